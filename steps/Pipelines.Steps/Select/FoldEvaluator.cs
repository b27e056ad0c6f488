using Pipelines.Learning.Data;
using Pipelines.Learning.Validation;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Select;

/// <summary>
/// Scores a feature subset on the cross-validation folds of the training rows only (the holdout is never read):
/// per fold, a model fitted on the fold's training rows predicts its test rows (real rows only, never synthetic
/// ones), which give the fold's score and permutation importance (shuffles seeded with seed + fold number); gain and
/// split come from the same fold models. Scores and importances are means over the folds.
/// </summary>
internal sealed class FoldEvaluator(TrainingSplit split, IReadOnlyList<Fold> folds, ISelectionLearner learner, FoldScore score, int seed, CancellationToken cancellationToken)
{
    /// <param name="columns">indices of the subset's features among the candidates</param>
    public FeatureScores Evaluate(IReadOnlyList<int> columns, bool permutation)
    {
        var scores = new List<double>();
        var gains = new List<double[]>();
        var splits = new List<double[]>();
        var permutations = new List<double[]>();
        foreach (var fold in folds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = Columns(split.Train, fold.Train, columns);
            var test = Columns(split.Train, split.Scored(fold.Test), columns);
            using var model = learner.Fit(train);
            scores.Add(score.Of(test.RequireLabels(), model.Predict(test)));
            if (learner.HasTreeImportance)
            {
                gains.Add(learner.TreeImportance(model, gain: true));
                splits.Add(learner.TreeImportance(model, gain: false));
            }
            if (permutation) permutations.Add(learner.Permutation(model, test, (ulong)(seed + fold.Number)).Importance);
        }
        return new FeatureScores(scores.Average(),
            learner.HasTreeImportance ? FoldMeans.Of(gains) : null,
            learner.HasTreeImportance ? FoldMeans.Of(splits) : null,
            permutation ? FoldMeans.Of(permutations) : null);
    }

    /// <summary>The given rows of <paramref name="data"/> with only the given feature columns, labels kept.</summary>
    private static DenseDataset Columns(DenseDataset data, int[] rows, IReadOnlyList<int> columns)
    {
        var width = columns.Count;
        var values = new double[rows.Length * width];
        var labels = new double[rows.Length];
        var weights = data.Weights is null ? null : new double[rows.Length];
        var source = data.RequireLabels();
        for (var i = 0; i < rows.Length; i++)
        {
            var row = data.Row(rows[i]);
            for (var j = 0; j < width; j++) values[i * width + j] = row[columns[j]];
            labels[i] = source[rows[i]];
            if (weights is not null) weights[i] = data.Weights![rows[i]];
        }
        return new DenseDataset(values, rows.Length, columns.Select(c => data.FeatureNames[c]).ToArray(), labels, weights);
    }
}
