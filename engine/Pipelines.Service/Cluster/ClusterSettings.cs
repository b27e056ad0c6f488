namespace Pipelines.Service.Cluster;

/// <summary>How one node takes part in the cluster.</summary>
public sealed record ClusterSettings
{
    /// <summary>How often the node records in Quartz's tables that it is alive.</summary>
    public TimeSpan CheckinInterval { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>
    /// How long past a missed check-in the other nodes wait before taking the node for dead and recovering its steps: with
    /// the interval, what bounds the time from a node's death to its steps running elsewhere.
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>
    /// How long a node with nothing to do waits before asking the store again (Quartz's idle wait, at least one second): what
    /// bounds the time a step queued by another node waits for an idle one. A node that queues a step wakes itself at once.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many steps the node runs at once (<c>--max-steps</c>); 0: it runs none, and only queues and follows runs.</summary>
    public int MaxSteps { get; init; } = Environment.ProcessorCount;

    /// <summary>The labels of the node (<c>--labels</c>): it runs the steps that require one of them, and every unlabelled step.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Whether the node fires the pipelines' schedules (a <c>serve</c>; a worker does not).</summary>
    public bool FiresSchedules { get; init; }
}
