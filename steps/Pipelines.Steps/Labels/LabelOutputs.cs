using Pipelines.Abstractions;

namespace Pipelines.Steps.Labels;

public sealed record LabelOutputs
{
    [Output("The input columns followed by the labels, in time order, as a Parquet file.")]
    public required Artifact Table { get; init; }

    [Output("Number of rows in the table.")]
    public required long Rows { get; init; }

    [Output("Label column names, in order.")]
    public required IReadOnlyList<string> Labels { get; init; }

    [Output("Each regime label's cut points (ascending), fitted on the fit rows only.")]
    public required IReadOnlyDictionary<string, IReadOnlyList<double>> CutPoints { get; init; }

    [Output("Each regime as a reviewer reads it, e.g. \"regime_next of forward_vol_30: LOW < 0.0007 <= MID < 0.0011 <= HIGH\".")]
    public required IReadOnlyList<string> Regimes { get; init; }

    [Output("Rows (time order, from the first) whose data the cut points may use; 0 without regime labels.")]
    public required long FitRows { get; init; }
}
