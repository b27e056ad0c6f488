namespace Pipelines.Engine.Cluster;

/// <summary>
/// Whether a node still counts as alive: its last check-in is no older than its own check-in interval plus a threshold.
/// This is Quartz's own test for a failed node (<c>lastCheckin + max(checkinInterval, …) + clusterCheckinMisfireThreshold</c>
/// compared with the observer's clock), and the default threshold is Quartz's default misfire threshold, 7.5 s: a node
/// shown as not alive is one the cluster's other nodes are about to recover the jobs of.
/// </summary>
public static class ClusterNodeLiveness
{
    /// <summary>Quartz's default <c>quartz.jobStore.clusterCheckinMisfireThreshold</c>.</summary>
    public static readonly TimeSpan DefaultThreshold = TimeSpan.FromMilliseconds(7_500);

    public static bool IsAlive(DateTimeOffset lastCheckIn, TimeSpan checkInInterval, DateTimeOffset now, TimeSpan threshold) =>
        now - lastCheckIn <= checkInInterval + threshold;
}
