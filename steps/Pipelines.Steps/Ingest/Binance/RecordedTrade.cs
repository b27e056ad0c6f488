namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// An aggregate trade as a recording keeps it: price and quantity exact in <see cref="FixedPointDecimal"/> units, the
/// exchange's trade time and the time it arrived here, both UTC microseconds.
/// </summary>
public readonly record struct RecordedTrade(
    long AggTradeId,
    long ExchangeTimeMicros,
    long ReceiveTimeMicros,
    long Price,
    long Quantity,
    bool BuyerIsMaker);
