namespace Pipelines.Engine.Execution.Cluster;

/// <summary>
/// One step of a cluster run in <c>step_dispatch</c>: queued once (the primary key), delivered to a node one or more times
/// (<paramref name="Deliveries"/>; more than one when a node died mid-step and another took it over), completed once.
/// </summary>
/// <param name="RunsOn">The label a node must have to run the step (<c>runs-on:</c>); null for any node.</param>
/// <param name="Node">The Quartz instance id of the node that took the latest delivery.</param>
public sealed record StepDispatchRow(
    string RunId,
    string StepId,
    string? RunsOn,
    DateTime QueuedAt,
    int Deliveries,
    string? Node,
    DateTime? StartedAt,
    DateTime? CompletedAt,
    string? Status)
{
    public bool IsCompleted => CompletedAt is not null;
}

/// <summary>A step queued for a node: what the scheduler needs to hand it over.</summary>
public sealed record QueuedStep(string StepId, string? RunsOn);
