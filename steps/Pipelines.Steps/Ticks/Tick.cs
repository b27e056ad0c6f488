namespace Pipelines.Steps.Ticks;

/// <summary>
/// One trade on the tick path: a Binance aggregate trade reduced to what features and the decision record need.
/// A value type so sources can fill caller-owned buffers without allocating.
/// </summary>
/// <param name="TradeId">The aggregate trade id; increases by one per trade on a gap-free stream.</param>
/// <param name="TimeMicros">UTC microseconds since the Unix epoch.</param>
/// <param name="IsBuyerMaker">True when the buyer was the maker, i.e. the aggressor sold.</param>
public readonly record struct Tick(long TradeId, long TimeMicros, double Price, double Quantity, bool IsBuyerMaker);
