using Pipelines.Learning.Compilation;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// One model inside an ensemble, ready to score a row of the ensemble's features: it gathers its own features into a
/// buffer of its own (the member's order may differ from the ensemble's) and scores with the compiled trees when it is
/// a tree ensemble, else as its file reads (ONNX Runtime's single-row runner, or the linear model). Nothing is
/// allocated per row; like ONNX Runtime's runner, an instance serves one thread.
/// </summary>
public sealed class EnsembleMember
{
    private readonly int[] _featureIndex;
    private readonly double[] _row;

    internal EnsembleMember(string name, PredictiveModel model, IReadOnlyList<string> ensembleFeatures)
    {
        Name = name;
        Model = model;
        Compiled = model.Trees is { } trees ? CompiledTreeEnsemble.Compile(trees) : null;
        _featureIndex = model.FeatureNames.Select(f => IndexOf(ensembleFeatures, f)).ToArray();
        _row = new double[_featureIndex.Length];
        Output = new double[model.Outputs];
    }

    public string Name { get; }

    public PredictiveModel Model { get; }

    /// <summary>The member's trees compiled for scoring; null for a model that is not a tree ensemble.</summary>
    public CompiledTreeEnsemble? Compiled { get; }

    /// <summary>The last row's predictions (probabilities or values), written by <see cref="Score"/>.</summary>
    internal double[] Output { get; }

    /// <summary>For each of the member's features, its position among the ensemble's.</summary>
    internal ReadOnlySpan<int> FeatureIndex => _featureIndex;

    /// <summary>Scores one row of ensemble features into <see cref="Output"/>.</summary>
    internal void Score(ReadOnlySpan<double> ensembleRow)
    {
        Gather(ensembleRow);
        if (Compiled is not null) Compiled.Predict(_row, Output);
        else Model.Predict(_row, Output);
    }

    /// <summary>The member's features of one ensemble row, in the member's order (a buffer reused by the next call).</summary>
    internal ReadOnlySpan<double> Gather(ReadOnlySpan<double> ensembleRow)
    {
        for (var i = 0; i < _featureIndex.Length; i++) _row[i] = ensembleRow[_featureIndex[i]];
        return _row;
    }

    private static int IndexOf(IReadOnlyList<string> features, string name)
    {
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i] == name) return i;
        }
        throw new ArgumentException($"feature '{name}' is not among the ensemble's features", nameof(features));
    }
}
