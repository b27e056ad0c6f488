namespace Pipelines.Steps.Ingest.Binance;

/// <summary>One aggregate trade; <see cref="TimeMicros"/> is UTC microseconds since the Unix epoch.</summary>
public readonly record struct AggTrade(
    long Id,
    double Price,
    double Quantity,
    long FirstTradeId,
    long LastTradeId,
    long TimeMicros,
    bool IsBuyerMaker,
    bool IsBestMatch);
