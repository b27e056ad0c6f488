using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

public sealed record TrainGbdtInputs : IStoreDependentInputs, ICheckedInputs
{
    [Input("Training table (rows in time order).")]
    public required Artifact Input { get; init; }

    [Input("Label column: 0/1 for binary, class names or ids for multiclass, numbers for the regression objectives.")]
    public required string Target { get; init; }

    [Input("LightGBM's objective: binary, multiclass or multiclassova; regression, regression_l1, huber, fair, quantile (alpha sets the quantile), mape, poisson, gamma, tweedie, cross_entropy or cross_entropy_lambda.")]
    public required GbdtObjective Objective { get; init; }

    [Input("Feature columns; by default every numeric column except the target and those excluded.")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Columns never used as features (times, ids, other labels).")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [Input("LightGBM parameters by LightGBM's own names or aliases, passed to LightGBM as given, e.g. { num_leaves: 31, learning_rate: 0.05 }; a name LightGBM does not know is refused. Runs are deterministic, on num_threads threads (default: every core).")]
    [InputKeys(typeof(LightGbmParameterKeys))]
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    [Input("Fraction of the latest rows held out for evaluation (never trained on).")]
    public double TestFraction { get; init; } = 0.2;

    [Input("Rows left out between training and holdout, so labels that look ahead do not leak.")]
    public int Gap { get; init; }

    [Input("With early_stopping_round in params: the fraction of the latest training rows (after a gap) that early stopping watches instead of training on.")]
    public double ValidationFraction { get; init; } = 0.1;

    [Input("Walk-forward folds over the training part for cross-validated metrics; 0 for none.")]
    public int Folds { get; init; }

    [Input("Search parameters before training: sampler, trials, seed, metric, folds, scheme and a space of ranges; the best trial's parameters train the model.")]
    public GbdtTuning? Tune { get; init; }

    [Input("Mix archived rare events into the training rows with a weight: { rows: ${{ steps.capture.outputs.archive_rows }}, weight: 2.0 }. The events used are named in the metrics, and their rows are lineage parents of the model.")]
    public ArchiveMixing? Archive { get; init; }

    [Input("Replay the champion's recent errors in shadow with a weight: { model: toxicity, weight: 2.0, max_rows: 1000, since: 7d }. The tables they came from become lineage parents of the model; a step with replay always runs, since the shadow records change.")]
    public ErrorReplay? Replay { get; init; }

    [Input("Continue a registered LightGBM model instead of starting afresh (INCREMENTAL retraining): name@version or name@alias, e.g. toxicity@champion. Its trees come first in the new model and num_iterations new ones follow, fitted to what it leaves unexplained on these rows (LightGBM's init model); the objective and the features (by default the parent's) must be the parent's. Not with tune or folds.")]
    public string? ContinueFrom { get; init; }

    // A continued model depends on which version the registry names now, as replayed errors depend on the shadow records.
    bool IStoreDependentInputs.DependsOnStore => Replay is not null || ContinueFrom is not null;

    public IEnumerable<InputProblem> Problems()
    {
        if (ContinueFrom is null) yield break;
        if (ModelReference.TryParse(ContinueFrom) is null)
            yield return new InputProblem("continue_from", $"'{ContinueFrom}' is not {ModelReference.Shape}");
        if (Tune is not null)
            yield return new InputProblem("tune", "tuning searches parameters for a model trained from scratch; a continued model keeps its parent's trees (leave tune out, or continue_from)", "continue_from");
        if (Folds > 0)
            yield return new InputProblem("folds", "walk-forward folds train from scratch, which a continued model does not; use folds: 0", "continue_from");
    }
}
