namespace Pipelines.Learning.Archive;

/// <summary>Consecutive days, as day numbers since the Unix epoch (UTC), both ends inclusive.</summary>
public readonly record struct DayRun(long FirstDay, long LastDay)
{
    public int Days => (int)(LastDay - FirstDay + 1);
}
