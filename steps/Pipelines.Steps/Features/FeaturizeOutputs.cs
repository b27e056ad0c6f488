using Pipelines.Abstractions;

namespace Pipelines.Steps.Features;

public sealed record FeaturizeOutputs
{
    [Output("The input columns followed by the features, in time order, as a Parquet file. Warm-up rows hold NULL.")]
    public required Artifact Table { get; init; }

    [Output("Number of rows in the table.")]
    public required long Rows { get; init; }

    [Output("Feature column names, in order.")]
    public required IReadOnlyList<string> Features { get; init; }

    [Output("The feature definitions as JSON, from which the tick path builds its streaming evaluator.")]
    public required Artifact Definitions { get; init; }
}
