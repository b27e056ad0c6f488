using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

public sealed record TrainGbdtInputs
{
    [Input("Training table (rows in time order).")]
    public required Artifact Input { get; init; }

    [Input("Label column: 0/1 for binary, class names or ids for multiclass, numbers for regression.")]
    public required string Target { get; init; }

    [Input("What to learn.")]
    public required GbdtObjective Objective { get; init; }

    [Input("Feature columns; by default every numeric column except the target and those excluded.")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Columns never used as features (times, ids, other labels).")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [Input("LightGBM parameters by LightGBM's names, e.g. { num_leaves: 31, learning_rate: 0.05 }.")]
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    [Input("Fraction of the latest rows held out for evaluation (never trained on).")]
    public double TestFraction { get; init; } = 0.2;

    [Input("Rows left out between training and holdout, so labels that look ahead do not leak.")]
    public int Gap { get; init; }

    [Input("Walk-forward folds over the training part for cross-validated metrics; 0 for none.")]
    public int Folds { get; init; }

    [Input("Search parameters before training: sampler, trials, seed, metric, folds, scheme and a space of ranges; the best trial's parameters train the model.")]
    public GbdtTuning? Tune { get; init; }
}
