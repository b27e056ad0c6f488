using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Select;

public sealed record SelectFeaturesInputs : ICheckedInputs
{
    [Input("Training table (rows in time order), as the train step that takes the selection reads it.")]
    public required Artifact Input { get; init; }

    [Input("Label column, as in train/gbdt.")]
    public required string Target { get; init; }

    [Input("LightGBM's objective, as in train/gbdt; with mlnet it only says the task (binary, multiclass or a regression objective).")]
    public required GbdtObjective Objective { get; init; }

    [Input("Candidate feature columns; by default every numeric column except the target and those excluded.")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Columns never used as features (times, ids, other labels).")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [Input("LightGBM parameters of the models scored on each fold, by LightGBM's own names, as in train/gbdt.")]
    [InputKeys(typeof(LightGbmParameterKeys))]
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    [Input("Score with this ML.NET trainer (its default options and the seed) instead of LightGBM: fast_forest, fast_tree, gam, lbfgs_logistic_regression or online_gradient_descent. Permutation importance is then ML.NET's own PermutationFeatureImportance; gain and split are LightGBM's and not available.")]
    public MlNetTrainer? Mlnet { get; init; }

    [Input("How the list is chosen: rfe (recursive elimination ranked by rank_by), or the top keep features by gain, split or permutation importance.")]
    public SelectionMethod Method { get; init; } = SelectionMethod.Rfe;

    [Input("The importance rfe ranks features by in each round: gain, split or permutation (the only one with mlnet).")]
    public ImportanceKind RankBy { get; init; } = ImportanceKind.Permutation;

    [Input("With gain, split or permutation: how many of the most important features to keep; by default every feature whose importance is above 0.")]
    public int? Keep { get; init; }

    [Input("rfe: features dropped per round.")]
    public int Drop { get; init; } = 1;

    [Input("rfe: the fewest features a subset may have.")]
    public int MinFeatures { get; init; } = 1;

    [Input("rfe: keep the smallest subset whose cross-validated score is within this much of the best one's (0 keeps the best).")]
    public double Tolerance { get; init; }

    [Input("Metric the folds are scored on, as train steps report it; by default logloss (classification) or rmse (regression).")]
    public string? Metric { get; init; }

    [Input("Shuffles per feature and fold for permutation importance.")]
    public int Repeats { get; init; } = 5;

    [Input("Seed of the shuffles (and of ML.NET's trainers): the same seed and rows give the same selection.")]
    public int Seed { get; init; } = 1;

    [Input("Cross-validation folds over the training rows.")]
    public int Folds { get; init; } = 3;

    [Input("walk_forward or purged_kfold, as in train/gbdt's tune; both keep the gap between training and test rows.")]
    public TuningScheme Scheme { get; init; } = TuningScheme.WalkForward;

    [Input("Fraction of the latest rows held out, as the train step holds them out: selection never reads them.")]
    public double TestFraction { get; init; } = 0.2;

    [Input("Rows left out between training and holdout, and between each fold's training and test rows.")]
    public int Gap { get; init; }

    public IEnumerable<InputProblem> Problems()
    {
        if (TestFraction is <= 0 or >= 1) yield return new InputProblem("test_fraction", Text($"must be between 0 and 1 (exclusive), got {TestFraction}"));
        if (Gap < 0) yield return new InputProblem("gap", Text($"must not be negative, got {Gap}"));
        if (Folds < 2) yield return new InputProblem("folds", Text($"must be at least 2, got {Folds}"));
        if (Repeats < 1) yield return new InputProblem("repeats", Text($"must be at least 1, got {Repeats}"));
        if (Drop < 1) yield return new InputProblem("drop", Text($"must be at least 1 feature per round, got {Drop}"));
        if (MinFeatures < 1) yield return new InputProblem("min_features", Text($"must be at least 1, got {MinFeatures}"));
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance)) yield return new InputProblem("tolerance", Text($"must be a finite number, at least 0, got {Tolerance}"));
        if (Keep is < 1) yield return new InputProblem("keep", Text($"must be at least 1, got {Keep}"));
        if (Keep is not null && Method == SelectionMethod.Rfe) yield return new InputProblem("keep", "applies to gain, split and permutation; rfe keeps the subset its rounds score best (see min_features and tolerance)", "method");
        if (Mlnet is MlNetTrainer.Kmeans) yield return new InputProblem("mlnet", "kmeans learns no target, so it has no score to select features by", "mlnet");
        if (Mlnet is not null && Method is SelectionMethod.Gain or SelectionMethod.Split)
            yield return new InputProblem("method", Text($"{Method.ToString().ToLowerInvariant()} importance is LightGBM's; with mlnet use permutation or rfe"), "mlnet");
        if (Mlnet is not null && Method == SelectionMethod.Rfe && RankBy != ImportanceKind.Permutation)
            yield return new InputProblem("rank_by", Text($"{RankBy.ToString().ToLowerInvariant()} importance is LightGBM's; with mlnet rank by permutation"), "mlnet", "method");
        if (Mlnet is not null && Params.Count > 0) yield return new InputProblem("params", "LightGBM parameters do not apply to an ML.NET trainer", "mlnet");
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
