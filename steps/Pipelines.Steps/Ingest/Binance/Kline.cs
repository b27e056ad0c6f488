namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// One candle. Times are UTC microseconds since the Unix epoch whatever unit the source used, so rows from
/// millisecond and microsecond sources compare directly. Sources without Binance's extra columns leave them NaN/-1.
/// </summary>
public readonly record struct Kline(
    long OpenTimeMicros,
    double Open,
    double High,
    double Low,
    double Close,
    double Volume,
    long CloseTimeMicros,
    double QuoteVolume,
    long Trades,
    double TakerBuyBaseVolume,
    double TakerBuyQuoteVolume);
