using Pipelines.Abstractions;
using Pipelines.Learning.Tuning;

namespace Pipelines.Steps.Train;

/// <summary>The tune: input of train/gbdt: a search over parameters scored by time-series cross-validation.</summary>
public sealed record GbdtTuning
{
    [Input("Parameters to search and their ranges.", Example = "[{ name: learning_rate, low: 0.01, high: 0.3, type: log }, { name: num_leaves, low: 7, high: 63, type: int }]")]
    public required IReadOnlyList<TuningRange> Space { get; init; }

    [Input("tpe or random.")]
    public TuningSampler Sampler { get; init; } = TuningSampler.Tpe;

    [Input("Trials to run.")]
    public int Trials { get; init; } = 20;

    [Input("Seed of the sampler; the same seed and data give the same trials.")]
    public int Seed { get; init; } = 1;

    [Input("Metric to optimise, as the train step reports it; by default logloss (classification) or rmse (regression).")]
    public string? Metric { get; init; }

    [Input("minimize or maximize; by default what the metric calls for (auc up, logloss down, …).")]
    public StudyDirection? Direction { get; init; }

    [Input("Cross-validation folds over the training rows.")]
    public int Folds { get; init; } = 3;

    [Input("walk_forward or purged_kfold; both keep the step's gap between training and test rows.")]
    public TuningScheme Scheme { get; init; } = TuningScheme.WalkForward;

    [Input("Trials completed before the median pruner may stop a trial after a weak fold.")]
    public int PruneAfter { get; init; } = 5;
}
