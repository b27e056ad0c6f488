namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// One event of Binance's &lt;symbol&gt;@bookTicker stream: the best bid and ask with their quantities, in
/// <see cref="FixedPointDecimal"/> units, as of order book update <see cref="UpdateId"/>. The stream carries no
/// exchange time, so <see cref="ReceiveTimeMicros"/> (UTC microseconds) is when it arrived here.
/// </summary>
public readonly record struct BookTicker(
    long UpdateId,
    long BidPrice,
    long BidQuantity,
    long AskPrice,
    long AskQuantity,
    long ReceiveTimeMicros);
