namespace Pipelines.Steps.Inference;

/// <summary>What one run of the tick loop did, and how fast.</summary>
/// <param name="Ticks">Ticks read from the source.</param>
/// <param name="Decisions">Ticks scored, each one persisted.</param>
/// <param name="Rejected">Skipped ticks per <see cref="TickRejection"/> (indexed by its value).</param>
/// <param name="QueueStalls">Times the hot thread waited because the decision ring was full.</param>
/// <param name="Explanations">Decisions explained and stored.</param>
/// <param name="ExplanationsSkipped">Sampled or flagged decisions not explained because the explanation ring was full.</param>
/// <param name="DriftEvents">ADWIN changes recorded as drift events.</param>
/// <param name="DriftNoticesSkipped">ADWIN changes not recorded because their ring was full.</param>
/// <param name="DriftCutsInCooldown">ADWIN changes not recorded because the feature had an event within the cooldown.</param>
/// <param name="VersionsUsed">Model versions that made decisions, in the order they took over.</param>
/// <param name="HotSeconds">Wall time of the hot loop.</param>
/// <param name="LatencyP50Ns">Per-tick processing latency (validation, features, prediction, drift update, hand-off), median.</param>
/// <param name="AllocatedBytes">Bytes allocated by the hot thread after its warm-up ticks.</param>
/// <param name="MeasuredTicks">Ticks processed after the warm-up, over which <paramref name="AllocatedBytes"/> was measured.</param>
public sealed record TickLoopResult(
    long Ticks,
    long Decisions,
    IReadOnlyList<long> Rejected,
    long QueueStalls,
    long Explanations,
    long ExplanationsSkipped,
    long DriftEvents,
    long DriftNoticesSkipped,
    long DriftCutsInCooldown,
    IReadOnlyList<int> VersionsUsed,
    double HotSeconds,
    long LatencyP50Ns,
    long LatencyP99Ns,
    long LatencyP999Ns,
    long LatencyMaxNs,
    long AllocatedBytes,
    long MeasuredTicks)
{
    public long RejectedTotal => Rejected.Sum();

    public double TicksPerSecond => HotSeconds > 0 ? Ticks / HotSeconds : 0;

    public double AllocatedBytesPerTick => MeasuredTicks > 0 ? (double)AllocatedBytes / MeasuredTicks : 0;

    /// <summary>Order-book events (depth diffs and snapshots) merged in before the trades; 0 without a book.</summary>
    public long BookEvents { get; init; }

    /// <summary>Book events merged in after the warm-up, over which <see cref="AllocatedBytes"/> was also measured.</summary>
    public long MeasuredBookEvents { get; init; }

    /// <summary>Trades and book events per second of the hot loop.</summary>
    public double EventsPerSecond => HotSeconds > 0 ? (Ticks + BookEvents) / HotSeconds : 0;

    /// <summary>Bytes allocated per event (trade or book event) after the warm-up.</summary>
    public double AllocatedBytesPerEvent => MeasuredTicks + MeasuredBookEvents > 0 ? (double)AllocatedBytes / (MeasuredTicks + MeasuredBookEvents) : 0;
}
