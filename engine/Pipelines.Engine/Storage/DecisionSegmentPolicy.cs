namespace Pipelines.Engine.Storage;

/// <summary>
/// When a tick stream's current decision segment closes (and becomes readable): after <paramref name="MaxRows"/>
/// decisions, or when a decision's trade time enters the next <paramref name="Span"/>-long interval counted from the Unix
/// epoch. Spans are aligned, so a replay cuts the same segments every time it runs.
/// </summary>
public sealed record DecisionSegmentPolicy(long MaxRows, TimeSpan Span)
{
    /// <summary>A million decisions (tens of MB compressed) or a whole hour of trades, whichever comes first.</summary>
    public static readonly DecisionSegmentPolicy Default = new(1_000_000, TimeSpan.FromHours(1));

    /// <summary>The end (exclusive, µs since the epoch) of the span holding <paramref name="timeMicros"/>.</summary>
    public long SpanEndMicros(long timeMicros)
    {
        var span = Span.Ticks / TimeSpan.TicksPerMicrosecond;
        return timeMicros - ((timeMicros % span) + span) % span + span;
    }
}
