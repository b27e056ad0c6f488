namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Aggregate trades read from a file, in file order.</summary>
/// <param name="HasBestMatch">Whether the file had the eighth (is_best_match) column; futures dumps do not.</param>
/// <param name="Microseconds">Whether times in the file were microseconds; null when it had no rows.</param>
public sealed record AggTradeFile(string Name, List<AggTrade> Rows, bool HasBestMatch, bool? Microseconds);
