using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

public sealed record CsvIngestInputs
{
    [Input("CSV file in the workspace.", Example = "samples/btcusdt-1m-2023-03-01-to-21.csv")]
    public required WorkspacePath Path { get; init; }

    [Input("Whether the first line holds column names.")]
    public bool Header { get; init; } = true;

    [Input("Field separator; empty lets DuckDB detect it.")]
    public string Delimiter { get; init; } = ",";

    [Input("Column types to force, by name (DuckDB type names such as DOUBLE, TIMESTAMPTZ); others are detected.")]
    public IReadOnlyDictionary<string, string>? Types { get; init; }

    [Input("Keep only these columns, in this order; all columns when absent.")]
    public IReadOnlyList<string>? Columns { get; init; }
}
