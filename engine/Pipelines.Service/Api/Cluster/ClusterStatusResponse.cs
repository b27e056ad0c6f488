using Pipelines.Engine.Cluster;

namespace Pipelines.Service.Api.Cluster;

/// <summary>
/// The cluster as its Quartz schedulers recorded it: nodes with their last check-in and whether they count as alive,
/// the steps running where and since when, and the queue. <see cref="Clustered"/> is false for a DuckDB store (one
/// process), and <see cref="Note"/> says so.
/// </summary>
public sealed record ClusterStatusResponse(
    bool Clustered, string? Note, DateTimeOffset At, double ThresholdSeconds, int QueueDepth,
    IReadOnlyList<ClusterNodeResponse> Nodes, IReadOnlyList<RunningStepResponse> Running, IReadOnlyList<SchedulerQueueResponse> Queues)
{
    public static ClusterStatusResponse From(ClusterStatus status) => new(
        status.Clustered, status.Note, status.At, status.Threshold.TotalSeconds, status.QueueDepth,
        status.Nodes.Select(n => new ClusterNodeResponse(n.Scheduler, n.InstanceId, n.LastCheckIn, n.CheckInInterval.TotalSeconds, n.Alive, n.Running)).ToList(),
        status.Running.Select(r => new RunningStepResponse(r.Scheduler, r.RunId, r.StepId, r.Job, r.Node, r.Since, r.State)).ToList(),
        status.Queues.Select(q => new SchedulerQueueResponse(q.Scheduler, q.Queued, q.Scheduled, q.Acquired, q.Blocked, q.Paused)).ToList());
}

/// <summary>One node: its scheduler, Quartz instance id, last check-in, check-in interval, liveness and steps running on it.</summary>
public sealed record ClusterNodeResponse(string Scheduler, string InstanceId, DateTimeOffset LastCheckIn, double CheckInIntervalSeconds, bool Alive, int Running);

/// <summary>A step a node runs now: run and step (when the job names them), the Quartz job, the node, since when, and the fired trigger's state.</summary>
public sealed record RunningStepResponse(string Scheduler, string? RunId, string? StepId, string Job, string Node, DateTimeOffset Since, string State);

/// <summary>Triggers of one scheduler: due and not taken (the queue), waiting for a later time, taken, blocked, paused.</summary>
public sealed record SchedulerQueueResponse(string Scheduler, int Queued, int Scheduled, int Acquired, int Blocked, int Paused);

/// <summary>The query of <c>GET /api/v1/cluster/status</c>: the liveness threshold in seconds (default ml.yaml's <c>cluster.checkin_threshold</c>, else Quartz's 7.5); parsed by the endpoint.</summary>
public sealed record ClusterStatusRequest(string? Threshold);
