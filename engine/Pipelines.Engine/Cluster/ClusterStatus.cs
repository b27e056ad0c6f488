namespace Pipelines.Engine.Cluster;

/// <summary>
/// The cluster as its Quartz schedulers last recorded it in the store's PostgreSQL database: nodes and their check-ins,
/// the steps running where, and what waits. <see cref="Clustered"/> is false for a DuckDB store (one process, no cluster),
/// with <see cref="Note"/> saying so.
/// </summary>
/// <param name="At">When the status was read (the reader's clock, as Quartz compares check-ins with each node's own).</param>
/// <param name="Threshold">How late a check-in may be, beyond the node's own interval, for the node still to count as alive.</param>
public sealed record ClusterStatus(
    bool Clustered, string? Note, DateTimeOffset At, TimeSpan Threshold,
    IReadOnlyList<ClusterNode> Nodes, IReadOnlyList<RunningStep> Running, IReadOnlyList<SchedulerQueue> Queues)
{
    /// <summary>Triggers due now and not yet taken by a node, over every scheduler.</summary>
    public int QueueDepth => Queues.Sum(q => q.Queued);
}

/// <param name="Scheduler">The Quartz scheduler (instance) name, beginning with <c>pipelines</c>.</param>
/// <param name="InstanceId">The node's Quartz instance id (host name and start time when AUTO).</param>
/// <param name="Alive">Checked in within its interval plus the threshold (<see cref="ClusterNodeLiveness"/>).</param>
/// <param name="Running">Steps this node is executing now.</param>
public sealed record ClusterNode(string Scheduler, string InstanceId, DateTimeOffset LastCheckIn, TimeSpan CheckInInterval, bool Alive, int Running);

/// <summary>
/// A job a node has fired and not finished. <paramref name="RunId"/> and <paramref name="StepId"/> come from the job: its
/// data (<c>run_id</c>, <c>step_id</c>) or its key (group = run id, name = step id); null when the job names neither.
/// </summary>
/// <param name="State">Quartz's fired-trigger state: EXECUTING, or ACQUIRED (taken, about to start).</param>
public sealed record RunningStep(string Scheduler, string? RunId, string? StepId, string Job, string Node, DateTimeOffset Since, string State);

/// <param name="Queued">Triggers due now (WAITING, next fire time passed) that no node has taken yet: the queue depth.</param>
/// <param name="Scheduled">Triggers waiting for a future time (schedules).</param>
/// <param name="Acquired">Triggers a node has taken and is about to fire.</param>
/// <param name="Blocked">Triggers held back because their job does not allow concurrent runs and one runs.</param>
/// <param name="Paused">Paused triggers.</param>
public sealed record SchedulerQueue(string Scheduler, int Queued, int Scheduled, int Acquired, int Blocked, int Paused);
