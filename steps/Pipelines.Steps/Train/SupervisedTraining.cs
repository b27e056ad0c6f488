using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Validation;

namespace Pipelines.Steps.Train;

/// <summary>
/// The part of training every train step shares, so a new trainer is only its fit call: fit on the training rows,
/// predict the holdout, score it with the task's metrics, and optionally refit on expanding walk-forward windows of
/// the training rows (keeping the gap before each test block) for cross-validated metrics, scored on real rows only. Every prediction made on
/// rows a model had not seen is kept, block by block in time order, so a backtest can trade them fold by fold.
/// </summary>
internal static class SupervisedTraining
{
    public static TrainingOutcome Run(TrainingSplit split, ModelTask task, int folds, Func<DenseDataset, IFittedModel> fit, CancellationToken cancellationToken)
    {
        var classes = split.Table.Classes.Count;
        var model = fit(split.Train);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var predictions = model.Predict(split.Holdout);
            var metrics = ModelMetrics.Compute(task, split.Holdout.RequireLabels(), predictions, classes);
            var blocks = new List<OutOfSampleBlock>();
            var walkForward = folds >= 2 ? WalkForward(split, folds, split.Gap, task, classes, fit, blocks, cancellationToken) : null;
            blocks.Add(new OutOfSampleBlock(blocks.Count + 1, OutOfSampleBlock.Holdout, Enumerable.Range(split.Table.Rows - split.HoldoutRows, split.HoldoutRows).ToArray(),
                split.Holdout.RequireLabels(), predictions));
            return new TrainingOutcome(model, predictions, metrics, walkForward, ModelMetrics.Headline(task, metrics), blocks);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static WalkForwardMetrics WalkForward(TrainingSplit split, int folds, int gap, ModelTask task, int classes, Func<DenseDataset, IFittedModel> fit,
        List<OutOfSampleBlock> blocks, CancellationToken cancellationToken)
    {
        var train = split.Train;
        var splits = new ExpandingWindowSplitter(folds, 0, gap).Split(train.RowCount);
        var perFold = new List<IReadOnlyDictionary<string, double?>>();
        var sums = new Dictionary<string, double>();
        foreach (var fold in splits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var model = fit(TrainingArtifacts.Subset(train, fold.Train));
            // Synthetic rows train; they are never what a fold is scored on.
            var scored = split.Scored(fold.Test);
            if (scored.Length == 0) throw new StepInputException("folds", $"walk-forward fold {fold.Number + 1} tests synthetic rows only; use fewer folds");
            var test = TrainingArtifacts.Subset(train, scored);
            var predicted = model.Predict(test);
            var metrics = ModelMetrics.Compute(task, test.RequireLabels(), predicted, classes);
            blocks.Add(new OutOfSampleBlock(blocks.Count + 1, OutOfSampleBlock.WalkForward, scored, test.RequireLabels(), predicted));
            perFold.Add(TrainingMetrics.Stored(metrics));
            foreach (var (name, value) in metrics) sums[name] = sums.GetValueOrDefault(name) + value;
        }
        return new WalkForwardMetrics
        {
            Folds = splits.Count,
            Mean = TrainingMetrics.Stored(sums.ToDictionary(s => s.Key, s => s.Value / splits.Count)),
            PerFold = perFold,
        };
    }
}
