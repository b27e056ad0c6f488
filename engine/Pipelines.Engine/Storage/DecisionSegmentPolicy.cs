namespace Pipelines.Engine.Storage;

/// <summary>
/// When a tick stream's current decision segment closes (and becomes readable): after <paramref name="MaxRows"/>
/// decisions, or at the first commit once it has been open for <paramref name="Interval"/> (the writer's clock), so a live
/// stream's decisions reach readers at least that often while a fast replay is cut by size alone.
/// </summary>
public sealed record DecisionSegmentPolicy(long MaxRows, TimeSpan Interval)
{
    /// <summary>A million decisions (tens of MB compressed) or fifteen minutes, whichever comes first.</summary>
    public static readonly DecisionSegmentPolicy Default = new(1_000_000, TimeSpan.FromMinutes(15));
}
