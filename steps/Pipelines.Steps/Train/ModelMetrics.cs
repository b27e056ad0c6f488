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
        var scored = new Scored(objective, labels, predictions, classes);
        return Names(objective).ToDictionary(name => name, scored.Metric);
    }

    /// <summary>One metric alone, so a metric that exists on some rows (accuracy) is not lost to one that does not (AUC of a single class).</summary>
    public static double Compute(ModelTask objective, string metric, double[] labels, double[] predictions, int classes)
    {
        if (!Names(objective).Contains(metric)) throw new ArgumentException($"'{metric}' is not a metric of {objective.ToString().ToLowerInvariant()} models", nameof(metric));
        return new Scored(objective, labels, predictions, classes).Metric(metric);
    }

    /// <summary>Predictions beside their labels, with the classes they imply worked out once.</summary>
    private sealed class Scored(ModelTask objective, double[] labels, double[] predictions, int classes)
    {
        private readonly int[] _actual = objective == ModelTask.Regression ? [] : labels.Select(l => (int)l).ToArray();
        private readonly int[] _predicted = objective switch
        {
            ModelTask.Binary => predictions.Select(p => p >= 0.5 ? 1 : 0).ToArray(),
            ModelTask.Multiclass => Enumerable.Range(0, labels.Length).Select(i => Enumerable.Range(0, classes).MaxBy(c => predictions[i * classes + c])).ToArray(),
            _ => [],
        };

        public double Metric(string name) => (objective, name) switch
        {
            (ModelTask.Binary, "auc") => ClassificationMetrics.RocAuc(_actual, predictions),
            (ModelTask.Binary, "pr_auc") => ClassificationMetrics.AveragePrecision(_actual, predictions),
            (ModelTask.Binary, "logloss") => ClassificationMetrics.LogLoss(_actual, predictions),
            (ModelTask.Binary, "brier") => ClassificationMetrics.BrierScore(_actual, predictions),
            (ModelTask.Binary, "ece") => ClassificationMetrics.ExpectedCalibrationError(_actual, predictions),
            (ModelTask.Binary, "accuracy") => ClassificationMetrics.Accuracy(_actual, _predicted),
            (ModelTask.Binary, "precision") => ClassificationMetrics.Precision(_actual, _predicted),
            (ModelTask.Binary, "recall") => ClassificationMetrics.Recall(_actual, _predicted),
            (ModelTask.Binary, "f1") => ClassificationMetrics.F1(_actual, _predicted),
            (ModelTask.Multiclass, "accuracy") => ClassificationMetrics.Accuracy(_actual, _predicted),
            (ModelTask.Multiclass, "macro_f1") => ClassificationMetrics.MacroF1(_actual, _predicted, classes),
            (ModelTask.Multiclass, "logloss") => ClassificationMetrics.LogLoss(_actual, predictions, classes),
            (ModelTask.Regression, "rmse") => RegressionMetrics.RootMeanSquaredError(labels, predictions),
            (ModelTask.Regression, "mae") => RegressionMetrics.MeanAbsoluteError(labels, predictions),
            (ModelTask.Regression, "r2") => RegressionMetrics.RSquared(labels, predictions),
            _ => throw new ArgumentException($"'{name}' is not a metric of {objective.ToString().ToLowerInvariant()} models", nameof(name)),
        };
    }
}
