using Pipelines.Abstractions;

namespace Pipelines.Steps.Augment;

public sealed record AugmentOutputs
{
    [Output("The input's rows, untouched, with the synthetic rows among the training rows (each after the latest row it came from), and three columns: synthetic, source_row and neighbour_row (Parquet). Train steps score on real rows only.")]
    public required Artifact Table { get; init; }

    [Output("Rows in the table, real and synthetic.")]
    public required long Rows { get; init; }

    [Output("Column names, in order.")]
    public required IReadOnlyList<string> Columns { get; init; }

    [Output("Synthetic rows added.")]
    public required long SyntheticRows { get; init; }
}
