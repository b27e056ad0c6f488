using Pipelines.Abstractions;

namespace Pipelines.Steps.Tables;

/// <summary>What every step that produces a table returns.</summary>
public sealed record TableOutputs
{
    [Output("The table, stored as a Parquet file.")]
    public required Artifact Table { get; init; }

    [Output("Number of rows in the table.")]
    public required long Rows { get; init; }

    [Output("Column names, in order.")]
    public required IReadOnlyList<string> Columns { get; init; }
}
