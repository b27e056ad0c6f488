using Pipelines.Learning.Data;

namespace Pipelines.Learning.Trees;

/// <summary>
/// A boosted tree ensemble as LightGBM stores it: trees in iteration order, <see cref="TreesPerIteration"/> per
/// iteration (tree t feeds output t % TreesPerIteration), plus the objective that maps raw scores to predictions.
/// </summary>
public sealed class TreeEnsembleModel
{
    public TreeEnsembleModel(
        IReadOnlyList<DecisionTree> trees,
        ModelObjective objective,
        IReadOnlyList<string> featureNames,
        IReadOnlyList<string>? featureInfos = null,
        IReadOnlyList<KeyValuePair<string, string>>? parameters = null,
        int labelIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(trees);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (featureNames.Count == 0) throw new ArgumentException("A model needs at least one feature.", nameof(featureNames));
        TreesPerIteration = objective.ClassCount;
        if (trees.Count % TreesPerIteration != 0)
            throw new ArgumentException($"{trees.Count} trees is not a whole number of iterations of {TreesPerIteration} trees.", nameof(trees));
        if (featureInfos is not null && featureInfos.Count != featureNames.Count)
            throw new ArgumentException($"{featureInfos.Count} feature infos for {featureNames.Count} features.", nameof(featureInfos));
        for (int t = 0; t < trees.Count; t++)
        {
            if (trees[t].MaxSplitFeature >= featureNames.Count)
                throw new ArgumentException($"Tree {t} splits on feature {trees[t].MaxSplitFeature}, but the model has {featureNames.Count} features.", nameof(trees));
        }
        _trees = trees.ToArray();
        Trees = Array.AsReadOnly(_trees);
        Objective = objective;
        FeatureNames = featureNames;
        FeatureInfos = featureInfos ?? Enumerable.Repeat("none", featureNames.Count).ToArray();
        Parameters = parameters ?? Array.Empty<KeyValuePair<string, string>>();
        LabelIndex = labelIndex;
        MaxDepth = trees.Count == 0 ? 0 : trees.Max(t => t.Depth);
    }

    private readonly DecisionTree[] _trees;

    public IReadOnlyList<DecisionTree> Trees { get; }

    public ModelObjective Objective { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Per feature, LightGBM's range text <c>[min:max]</c> (or <c>none</c> for an unused feature).</summary>
    public IReadOnlyList<string> FeatureInfos { get; }

    /// <summary>The training parameters, in the order the model text lists them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    public int LabelIndex { get; }

    public int FeatureCount => FeatureNames.Count;

    /// <summary>Outputs per row (1, or the class count for multiclass).</summary>
    public int TreesPerIteration { get; }

    public int IterationCount => Trees.Count / TreesPerIteration;

    /// <summary>Deepest tree's depth in edges.</summary>
    public int MaxDepth { get; }

    /// <summary>Sum of tree outputs per class, before the objective's transform.</summary>
    public void PredictRaw(ReadOnlySpan<double> features, Span<double> output)
    {
        CheckShapes(features, output);
        output[..TreesPerIteration].Clear();
        int perIteration = TreesPerIteration;
        DecisionTree[] trees = _trees;
        if (perIteration == 1)
        {
            double sum = 0.0;
            for (int t = 0; t < trees.Length; t++) sum += trees[t].Predict(features);
            output[0] = sum;
            return;
        }
        for (int t = 0; t < trees.Length; t += perIteration)
        {
            for (int k = 0; k < perIteration; k++) output[k] += trees[t + k].Predict(features);
        }
    }

    /// <summary>Predictions per class (probabilities for classification).</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        PredictRaw(features, output);
        Objective.Transform(output[..TreesPerIteration]);
    }

    /// <summary>
    /// Predictions (or raw scores) for every row of <paramref name="data"/>, row after row:
    /// entry row * TreesPerIteration + class. The data's features must be the model's, in its order.
    /// </summary>
    public double[] PredictAll(DenseDataset data, bool rawScore = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.FeatureNames.SequenceEqual(FeatureNames))
            throw new ArgumentException($"The data's features ({string.Join(", ", data.FeatureNames)}) are not the model's ({string.Join(", ", FeatureNames)}).", nameof(data));
        int outputs = TreesPerIteration;
        var result = new double[data.RowCount * outputs];
        Parallel.For(0, data.RowCount, row =>
        {
            var output = result.AsSpan(row * outputs, outputs);
            if (rawScore) PredictRaw(data.Row(row), output);
            else Predict(data.Row(row), output);
        });
        return result;
    }

    /// <summary>Per-feature importance over all trees: split counts or total split gain.</summary>
    public double[] FeatureImportance(FeatureImportanceType type)
    {
        var importance = new double[FeatureCount];
        foreach (var tree in Trees)
        {
            // As LightGBM counts: only splits with positive gain.
            for (int node = 0; node < tree.NumLeaves - 1; node++)
            {
                if (tree.SplitGain[node] > 0)
                    importance[tree.SplitFeature[node]] += type == FeatureImportanceType.Split ? 1.0 : tree.SplitGain[node];
            }
        }
        return importance;
    }

    /// <summary>Per-class mean output over the training rows: the base value SHAP values add up from.</summary>
    public double[] ExpectedValues()
    {
        var expected = new double[TreesPerIteration];
        for (int t = 0; t < Trees.Count; t++) expected[t % TreesPerIteration] += Trees[t].ExpectedValue();
        return expected;
    }

    private void CheckShapes(ReadOnlySpan<double> features, Span<double> output)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The row has {features.Length} features but the model expects {FeatureCount} ({string.Join(", ", FeatureNames)}).", nameof(features));
        if (output.Length < TreesPerIteration)
            throw new ArgumentException($"The output span has room for {output.Length} values; the model produces {TreesPerIteration} per row.", nameof(output));
    }
}
