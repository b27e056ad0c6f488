using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Selection;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Select;

/// <summary>
/// An ML.NET trainer through train/mlnet's fit call; permutation importance is ML.NET's own
/// PermutationFeatureImportance on the fold's test rows, its shuffles drawn from the model's seeded MLContext. ML.NET
/// reports permuted − baseline per metric; it is turned into the score lost (baseline − permuted for a metric where
/// higher is better, the reverse for a loss), the same definition as <see cref="PermutationImportance"/>. Binary
/// models are scored without calibration (ML.NET's binary PFI), so binary logloss, brier and ece are not available.
/// </summary>
internal sealed class MlNetSelectionLearner(TrainMlNetInputs trainer, FoldScore score, int repeats) : ISelectionLearner
{
    public bool HasTreeImportance => false;

    public IFittedModel Fit(DenseDataset rows) => MlNetTrainers.Fit(trainer, score.Task, score.Classes, rows);

    public double[] TreeImportance(IFittedModel model, bool gain) => throw new InvalidOperationException("gain and split importance are LightGBM's");

    public PermutationScores Permutation(IFittedModel model, DenseDataset test, ulong seed)
    {
        var fit = (MlNetFit)model;
        var ml = fit.Context;
        var data = MlNetData.Labelled(ml, test, score.Task, score.Classes);
        // A FastForest binary model is the forest followed by its Platt calibrator; the forest is what predicts.
        var predictor = fit.Transformer as ISingleFeaturePredictionTransformer<object>
            ?? ((TransformerChain<ITransformer>)fit.Transformer).OfType<ISingleFeaturePredictionTransformer<object>>().First();
        var label = MlNetData.LabelColumn;
        var (baseline, lost) = score.Task switch
        {
            ModelTask.Binary => Binary(ml.BinaryClassification.PermutationFeatureImportance(predictor, data, label, permutationCount: repeats), ml.BinaryClassification.EvaluateNonCalibrated(predictor.Transform(data), label)),
            ModelTask.Multiclass => Multiclass(ml.MulticlassClassification.PermutationFeatureImportance(predictor, data, label, permutationCount: repeats), ml.MulticlassClassification.Evaluate(predictor.Transform(data), label)),
            _ => Regression(ml.Regression.PermutationFeatureImportance(predictor, data, label, permutationCount: repeats), ml.Regression.Evaluate(predictor.Transform(data), label)),
        };
        var sign = score.HigherIsBetter ? -1.0 : 1.0;
        return new PermutationScores(baseline, lost.Select(s => sign * s.Mean).ToArray(), lost.Select(s => s.StandardDeviation).ToArray());
    }

    private (double, IEnumerable<MetricStatistics>) Binary(IEnumerable<BinaryClassificationMetricsStatistics> perFeature, BinaryClassificationMetrics baseline) => score.Metric switch
    {
        "auc" => (baseline.AreaUnderRocCurve, perFeature.Select(s => s.AreaUnderRocCurve)),
        "pr_auc" => (baseline.AreaUnderPrecisionRecallCurve, perFeature.Select(s => s.AreaUnderPrecisionRecallCurve)),
        "accuracy" => (baseline.Accuracy, perFeature.Select(s => s.Accuracy)),
        "precision" => (baseline.PositivePrecision, perFeature.Select(s => s.PositivePrecision)),
        "recall" => (baseline.PositiveRecall, perFeature.Select(s => s.PositiveRecall)),
        "f1" => (baseline.F1Score, perFeature.Select(s => s.F1Score)),
        _ => throw Unavailable(),
    };

    private (double, IEnumerable<MetricStatistics>) Multiclass(IEnumerable<MulticlassClassificationMetricsStatistics> perFeature, MulticlassClassificationMetrics baseline) => score.Metric switch
    {
        "accuracy" => (baseline.MicroAccuracy, perFeature.Select(s => s.MicroAccuracy)),
        "logloss" => (baseline.LogLoss, perFeature.Select(s => s.LogLoss)),
        _ => throw Unavailable(),
    };

    private (double, IEnumerable<MetricStatistics>) Regression(IEnumerable<RegressionMetricsStatistics> perFeature, RegressionMetrics baseline) => score.Metric switch
    {
        "rmse" => (baseline.RootMeanSquaredError, perFeature.Select(s => s.RootMeanSquaredError)),
        "mae" => (baseline.MeanAbsoluteError, perFeature.Select(s => s.MeanAbsoluteError)),
        "r2" => (baseline.RSquared, perFeature.Select(s => s.RSquared)),
        _ => throw Unavailable(),
    };

    /// <summary>The metrics ML.NET's permutation importance reports for the task, by the names train steps use.</summary>
    public static IReadOnlyList<string> Metrics(ModelTask task) => task switch
    {
        ModelTask.Binary => ["auc", "pr_auc", "accuracy", "precision", "recall", "f1"],
        ModelTask.Multiclass => ["accuracy", "logloss"],
        _ => ["rmse", "mae", "r2"],
    };

    private StepInputException Unavailable() =>
        new("metric", $"ML.NET's permutation importance does not report '{score.Metric}'; choose one of {string.Join(", ", Metrics(score.Task))}");
}
