using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

public sealed record TrainMlNetInputs
{
    [Input("Training table (rows in time order).")]
    public required Artifact Input { get; init; }

    [Input("The ML.NET trainer: fast_forest, fast_tree, gam, lbfgs_logistic_regression, online_gradient_descent or kmeans. Its options go in the input of the same name.")]
    public required MlNetTrainer Trainer { get; init; }

    [Input("Label column: two values for binary (the larger number, or the later name, is 1), class names or ids for multiclass, numbers for regression; none for kmeans.")]
    public string? Target { get; init; }

    [Input("What to learn: binary or regression for fast_forest, fast_tree and gam (required); lbfgs_logistic_regression is binary or multiclass by the target's classes, online_gradient_descent regression and kmeans clustering.")]
    public ModelTask? Task { get; init; }

    [Input("Feature columns; by default every numeric column except the target and those excluded.")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Columns never used as features (times, ids, other labels).")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [Input("FastForest (random forest) options.")]
    public MlNetFastForestOptions? FastForest { get; init; }

    [Input("FastTree (boosted trees) options.")]
    public MlNetFastTreeOptions? FastTree { get; init; }

    [Input("GAM (generalised additive model) options.")]
    public MlNetGamOptions? Gam { get; init; }

    [Input("L-BFGS logistic regression options.")]
    public MlNetLbfgsOptions? LbfgsLogisticRegression { get; init; }

    [Input("Online gradient descent options.")]
    public MlNetOnlineGradientDescentOptions? OnlineGradientDescent { get; init; }

    [Input("k-means options.")]
    public MlNetKmeansOptions? Kmeans { get; init; }

    [Input("Seed of ML.NET's random choices (bagging, feature sampling, k-means++ starts): the same seed and rows give the same model.")]
    public int Seed { get; init; }

    [Input("Fraction of the latest rows held out for evaluation (never trained on).")]
    public double TestFraction { get; init; } = 0.2;

    [Input("Rows left out between training and holdout, so labels that look ahead do not leak.")]
    public int Gap { get; init; }

    [Input("Walk-forward folds over the training part for cross-validated metrics; 0 for none (not for kmeans).")]
    public int Folds { get; init; }
}
