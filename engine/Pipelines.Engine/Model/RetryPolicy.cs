namespace Pipelines.Engine.Model;

/// <summary>
/// How often a failing step is tried and how long to wait between tries: the wait doubles after each failure,
/// starting at <see cref="Backoff"/> and capped at <see cref="MaxBackoff"/>.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan Backoff, TimeSpan MaxBackoff)
{
    public static readonly RetryPolicy None = new(1, TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan DelayBeforeAttempt(int attempt) =>
        attempt <= 1 ? TimeSpan.Zero
            : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, Backoff.Ticks * (1L << Math.Min(30, attempt - 2))));
}
