using Pipelines.Learning.Metrics;

namespace Pipelines.Steps.Train;

/// <summary>The metrics reported for each objective, by the names gates refer to.</summary>
public static class ModelMetrics
{
    private static readonly HashSet<string> HigherIsBetterNames = ["auc", "pr_auc", "accuracy", "precision", "recall", "f1", "macro_f1", "r2"];

    /// <summary>The metric names <see cref="Compute"/> reports for an objective.</summary>
    public static IReadOnlyList<string> Names(ModelTask objective) => objective switch
    {
        ModelTask.Binary => ["auc", "pr_auc", "logloss", "brier", "ece", "accuracy", "precision", "recall", "f1"],
        ModelTask.Multiclass => ["accuracy", "macro_f1", "logloss"],
        // ML.NET's clustering evaluator computes these for train/mlnet's k-means; none is a per-row score.
        ModelTask.Clustering => ["average_distance", "davies_bouldin"],
        _ => ["rmse", "mae", "r2"],
    };

    /// <summary>Whether a larger value of the metric is the better one (AUC, accuracy, R²) rather than a loss.</summary>
    public static bool HigherIsBetter(string metric) => HigherIsBetterNames.Contains(metric);

    /// <summary>The headline score of a model: AUC (binary), accuracy (multiclass) or RMSE (regression).</summary>
    public static double Headline(ModelTask task, IReadOnlyDictionary<string, double> metrics) => task switch
    {
        ModelTask.Binary => metrics["auc"],
        ModelTask.Multiclass => metrics["accuracy"],
        _ => metrics["rmse"],
    };

    public static IReadOnlyDictionary<string, double> Compute(ModelTask objective, double[] labels, double[] predictions, int classes)
    {
        if (objective == ModelTask.Clustering)
            throw new ArgumentException("clustering has no labels to score predictions against; its metrics come from ML.NET's clustering evaluator", nameof(objective));
        switch (objective)
        {
            case ModelTask.Binary:
            {
                var actual = labels.Select(l => (int)l).ToArray();
                var predicted = predictions.Select(p => p >= 0.5 ? 1 : 0).ToArray();
                return new Dictionary<string, double>
                {
                    ["auc"] = ClassificationMetrics.RocAuc(actual, predictions),
                    ["pr_auc"] = ClassificationMetrics.AveragePrecision(actual, predictions),
                    ["logloss"] = ClassificationMetrics.LogLoss(actual, predictions),
                    ["brier"] = ClassificationMetrics.BrierScore(actual, predictions),
                    ["ece"] = ClassificationMetrics.ExpectedCalibrationError(actual, predictions),
                    ["accuracy"] = ClassificationMetrics.Accuracy(actual, predicted),
                    ["precision"] = ClassificationMetrics.Precision(actual, predicted),
                    ["recall"] = ClassificationMetrics.Recall(actual, predicted),
                    ["f1"] = ClassificationMetrics.F1(actual, predicted),
                };
            }
            case ModelTask.Multiclass:
            {
                var actual = labels.Select(l => (int)l).ToArray();
                var predicted = Enumerable.Range(0, labels.Length)
                    .Select(i => Enumerable.Range(0, classes).MaxBy(c => predictions[i * classes + c])).ToArray();
                return new Dictionary<string, double>
                {
                    ["accuracy"] = ClassificationMetrics.Accuracy(actual, predicted),
                    ["macro_f1"] = ClassificationMetrics.MacroF1(actual, predicted, classes),
                    ["logloss"] = ClassificationMetrics.LogLoss(actual, predictions, classes),
                };
            }
            default:
                return new Dictionary<string, double>
                {
                    ["rmse"] = RegressionMetrics.RootMeanSquaredError(labels, predictions),
                    ["mae"] = RegressionMetrics.MeanAbsoluteError(labels, predictions),
                    ["r2"] = RegressionMetrics.RSquared(labels, predictions),
                };
        }
    }
}
