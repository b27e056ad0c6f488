namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// One event of Binance's &lt;symbol&gt;@depth stream: the changes from update id <see cref="FirstUpdateId"/> (U)
/// through <see cref="FinalUpdateId"/> (u), each an absolute new quantity for a price. The levels are views over the
/// caller's buffers, so an event costs no allocation; the synchroniser copies them when it has to keep the event.
/// </summary>
public readonly record struct DepthDiff(
    long FirstUpdateId,
    long FinalUpdateId,
    long EventTimeMicros,
    ReadOnlyMemory<PriceLevel> Bids,
    ReadOnlyMemory<PriceLevel> Asks);
