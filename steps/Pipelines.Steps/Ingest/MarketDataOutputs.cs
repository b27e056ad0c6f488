using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

/// <summary>What the Binance ingest steps return: the table and a report on the data's quality.</summary>
public sealed record MarketDataOutputs
{
    [Output("The rows, sorted by time, stored as a Parquet file; times are TIMESTAMPTZ in UTC, prices and volumes DOUBLE.")]
    public required Artifact Table { get; init; }

    [Output("Number of rows in the table.")]
    public required long Rows { get; init; }

    [Output("Column names, in order.")]
    public required IReadOnlyList<string> Columns { get; init; }

    [Output("Data-quality report (JSON): rows read and kept, time range, expected interval, gaps, duplicates dropped, rows rejected by reason.")]
    public required Artifact Quality { get; init; }
}
