namespace Pipelines.Engine.Triggers;

/// <summary>A kind of event the engine or a step publishes, what a subscription may filter on and what a run can read of it.</summary>
/// <param name="Name">As written in <c>on.events[].type</c>, e.g. <c>drift.detected</c>.</param>
/// <param name="PublishedBy">Who publishes it, for error messages and the docs.</param>
/// <param name="Filters">Keys a subscription may add beside <c>type</c>.</param>
/// <param name="Fields">What <c>${{ trigger.event.NAME }}</c> can read of such an event.</param>
/// <param name="OpenPayload">
/// A pipeline's own type, whose payload keys are whatever its <c>events/publish</c> step writes: any snake_case field may be read.
/// </param>
public sealed record EventType(string Name, string PublishedBy, IReadOnlyList<string> Filters, IReadOnlyList<string> Fields, bool OpenPayload = false);
