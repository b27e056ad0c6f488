namespace Pipelines.Steps.Ticks;

/// <summary>
/// Waits between reconnect attempts: <see cref="Initial"/> doubled after each failure up to <see cref="Max"/>, then
/// stretched by a random factor in [1, 1 + <see cref="MaxJitter"/>) so that many clients dropped by the same outage do
/// not come back in lockstep. <see cref="Reset"/> after a success starts again from <see cref="Initial"/>.
/// </summary>
public sealed class JitteredBackoff
{
    public const double MaxJitter = 0.25;

    private readonly Func<double> _random;

    /// <param name="random">A source of uniform numbers in [0, 1); <see cref="Random.Shared"/> when null.</param>
    public JitteredBackoff(TimeSpan initial, TimeSpan max, Func<double>? random = null)
    {
        if (initial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial), initial, "must be above zero");
        if (max < initial) throw new ArgumentOutOfRangeException(nameof(max), max, $"must be at least the initial delay {initial}");
        Initial = initial;
        Max = max;
        _random = random ?? Random.Shared.NextDouble;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>Failures since the last <see cref="Reset"/>.</summary>
    public int Failures { get; private set; }

    /// <summary>The wait before the next attempt; counts a failure.</summary>
    public TimeSpan Next() => Delay(Initial, Max, Failures++, _random());

    public void Reset() => Failures = 0;

    /// <summary>The wait after <paramref name="failures"/> failures for a jitter draw <paramref name="unit"/> in [0, 1).</summary>
    public static TimeSpan Delay(TimeSpan initial, TimeSpan max, int failures, double unit)
    {
        var baseTicks = Math.Min(initial.Ticks * Math.Pow(2, Math.Min(failures, 30)), max.Ticks);
        return TimeSpan.FromTicks((long)(baseTicks * (1 + MaxJitter * unit)));
    }
}
