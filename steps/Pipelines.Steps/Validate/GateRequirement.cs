using Pipelines.Abstractions;

namespace Pipelines.Steps.Validate;

/// <summary>
/// One declarative requirement: a threshold on a metric, e.g. <c>{ metric: auc, min: 0.55 }</c>, the same in every group of a
/// column, e.g. <c>{ metric: accuracy, min: 0.45, by: regime_next }</c>, or a comparison with a registered version on the same
/// holdout rows, e.g. <c>{ metric: logloss, beats: champion, model: toxicity, margin: 0.01 }</c>.
/// </summary>
public sealed record GateRequirement
{
    [Input("Metric name as the train step reports it (auc, logloss, accuracy, macro_f1, rmse, r2, …).")]
    public required string Metric { get; init; }

    [Input("Lowest acceptable value (inclusive).")]
    public double? Min { get; init; }

    [Input("Highest acceptable value (inclusive).")]
    public double? Max { get; init; }

    [Input("Alias (or version number) of the registered version the candidate must beat, e.g. champion; the metric must average a per-row score (logloss, brier, accuracy, mae).")]
    public string? Beats { get; init; }

    [Input("Registered model name whose version beats: names.")]
    public string? Model { get; init; }

    [Input("Improvement in the metric the candidate must exceed, with the bootstrap's lower confidence bound above it too.")]
    public double Margin { get; init; }

    [Input("Confidence of the paired bootstrap's one-sided lower bound.")]
    public double Confidence { get; init; } = 0.95;

    [Input("Paired bootstrap resamples.")]
    public int Resamples { get; init; } = 2000;

    [Input("Seed of the bootstrap, for a reproducible decision.")]
    public int Seed { get; init; } = 1;

    [Input("Hold a min/max threshold in every group of this column (e.g. regime_next) of the candidate's holdout rows, not just overall; needs holdout and data. One reason per group.", Example = "regime_next")]
    public string? By { get; init; }

    [Input("With by: groups with fewer holdout rows than this are listed but not judged.")]
    public int MinRows { get; init; } = 30;
}
