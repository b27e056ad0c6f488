namespace Pipelines.Steps.Train;

/// <summary>The fitted model (the caller disposes it), its holdout predictions and metrics, and the walk-forward metrics if asked for, and every out-of-sample block in time order (walk-forward folds, then the holdout).</summary>
internal sealed record TrainingOutcome(
    IFittedModel Model,
    double[] HoldoutPredictions,
    IReadOnlyDictionary<string, double> HoldoutMetrics,
    WalkForwardMetrics? WalkForward,
    double Score,
    IReadOnlyList<OutOfSampleBlock> OutOfSample);
