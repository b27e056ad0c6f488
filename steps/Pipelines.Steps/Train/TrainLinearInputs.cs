using Pipelines.Abstractions;
using Pipelines.Learning.Linear;

namespace Pipelines.Steps.Train;

public sealed record TrainLinearInputs
{
    [Input("Training table (rows in time order).")]
    public required Artifact Input { get; init; }

    [Input("Label column: two values for logistic (the larger number, or the later name, is 1), numbers for ridge.")]
    public required string Target { get; init; }

    [Input("What to learn: logistic (binary) or ridge (regression).")]
    public required LinearObjective Objective { get; init; }

    [Input("Feature columns; by default every numeric column except the target and those excluded (a warm start uses the model's).")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Columns never used as features (times, ids, other labels).")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [Input("L2 penalty on the weights (not the intercept); ignored on a warm start, which keeps the model's.")]
    public double L2 { get; init; } = 1.0;

    [Input("Standardise features with a scaler fitted on the training rows and stored with the model; ignored on a warm start.")]
    public bool Standardize { get; init; } = true;

    [Input("Fraction of the latest rows held out for evaluation (never trained on).")]
    public double TestFraction { get; init; } = 0.2;

    [Input("Rows left out between training and holdout, so labels that look ahead do not leak.")]
    public int Gap { get; init; }

    [Input("Walk-forward folds over the training part for cross-validated metrics; 0 for none (not with a warm start).")]
    public int Folds { get; init; }

    [Input("An earlier linear model artifact to continue with partial_fit on this table's training rows.")]
    public Artifact? WarmStart { get; init; }

    [Input("A registered model to continue with partial_fit instead (its version named by warm_start_alias).")]
    public string? WarmStartModel { get; init; }

    [Input("Alias or version number of warm_start_model.")]
    public string WarmStartAlias { get; init; } = "champion";

    [Input("Step size η₀ of the online logistic update (averaged SGD, η_t = η₀ / √(1 + t)).")]
    public double LearningRate { get; init; } = 0.5;

    [Input("Mix archived rare events into the training rows with a weight: { rows: ${{ steps.capture.outputs.archive_rows }}, weight: 2.0 }. The events used are named in the metrics, and their rows are lineage parents of the model.")]
    public ArchiveMixing? Archive { get; init; }

    [Input("Replay the champion's recent errors in shadow with a weight: { model: updown, weight: 2.0, max_rows: 1000, since: 7d }. The tables they came from become lineage parents of the model.")]
    public ErrorReplay? Replay { get; init; }
}
