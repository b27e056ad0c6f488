namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// A run of missing data. For klines, the first and last missing open times; for trades, the first and last missing
/// aggregate trade ids with the times of the trades either side.
/// </summary>
public sealed record QualityGap(string? From, string? To, long? FromId, long? ToId, long Missing);
