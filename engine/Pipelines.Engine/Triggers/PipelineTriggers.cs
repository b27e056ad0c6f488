namespace Pipelines.Engine.Triggers;

/// <summary>
/// What starts a pipeline besides <c>pipelines run</c>: the <c>on:</c> section. The service fires these;
/// <c>pipelines run</c> ignores them apart from the manual parameters it may set.
/// </summary>
public sealed record PipelineTriggers(
    IReadOnlyList<ScheduleTrigger> Schedules,
    IReadOnlyList<EventSubscription> Events,
    ManualTrigger Manual)
{
    public static PipelineTriggers None { get; } = new([], [], ManualTrigger.AnyParameter);
}
