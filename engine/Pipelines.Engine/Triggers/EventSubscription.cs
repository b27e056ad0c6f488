using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Triggers;

/// <summary>One <c>on.events</c> entry: an event type from the catalogue and the filters an event must pass.</summary>
/// <param name="Model">Only events about this model; any model when null.</param>
/// <param name="MinSeverity">For drift: only events at least this severe; any when null.</param>
/// <param name="Pipeline">For run and trigger events: only events of this pipeline; any when null.</param>
public sealed record EventSubscription(EventType Type, string? Model, DriftSeverityLevel? MinSeverity, string? Pipeline, YamlMapping Node);
