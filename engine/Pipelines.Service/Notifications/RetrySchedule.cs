namespace Pipelines.Service.Notifications;

/// <summary>
/// Exponential backoff with jitter. After <c>n</c> failed attempts the next one waits <c>d·u</c>, where
/// <c>d = min(max, first·2^(n−1))</c> and <c>u</c> is uniform on [½, 1) ("equal jitter"): the wait still grows
/// exponentially, but notifiers that failed together do not all retry at the same instant. The wait is stored as the
/// delivery's <c>next_attempt_at</c>, so the schedule survives a restart.
/// </summary>
public sealed record RetrySchedule(TimeSpan First, TimeSpan Max)
{
    /// <summary>The full wait <c>d</c> after <paramref name="failedAttempts"/> failures, before jitter.</summary>
    public TimeSpan Ceiling(int failedAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        // Doubling past 2^30 only overflows; Max has long been reached by then.
        var doubled = First.Ticks * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        return doubled >= Max.Ticks ? Max : TimeSpan.FromTicks((long)doubled);
    }

    /// <summary>The wait before the next attempt after <paramref name="failedAttempts"/> failures: in [Ceiling/2, Ceiling).</summary>
    public TimeSpan DelayAfter(int failedAttempts, Random random)
    {
        var ceiling = Ceiling(failedAttempts);
        return TimeSpan.FromTicks((long)(ceiling.Ticks * (0.5 + 0.5 * random.NextDouble())));
    }
}
