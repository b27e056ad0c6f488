using Pipelines.Abstractions;

namespace Pipelines.Steps.Select;

public sealed record SelectFeaturesOutputs
{
    [Output("The selected feature columns, most important first; a train step takes them as features: ${{ steps.<id>.outputs.features }}.")]
    public required IReadOnlyList<string> Features { get; init; }

    [Output("Scores per feature and method (Parquet): method (gain, split, permutation, rfe), feature, importance (mean over folds; for rfe the rounds the feature took part in), std (across folds), rank (1 = most important) and selected.")]
    public required Artifact Scores { get; init; }

    [Output("Recursive elimination's rounds (Parquet): round, size, score (cross-validated), chosen, features and dropped (comma-separated); one row, round 1, for the other methods: the selected list's score.")]
    public required Artifact Rounds { get; init; }

    [Output("The cross-validated score of the selected features on the metric.")]
    public required double Score { get; init; }

    [Output("The metric the folds were scored on.")]
    public required string Metric { get; init; }
}
