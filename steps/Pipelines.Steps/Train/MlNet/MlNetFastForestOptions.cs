using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>train/mlnet's fast_forest options (ML.NET's FastForest trainer options, by our names).</summary>
public sealed record MlNetFastForestOptions
{
    [Input("Trees in the forest.")]
    public int Trees { get; init; } = 100;

    [Input("Leaves per tree at most.")]
    public int Leaves { get; init; } = 20;

    [Input("Training rows a leaf needs at least.")]
    public int MinRowsPerLeaf { get; init; } = 10;

    [Input("Fraction of the features each tree may split on (feature bagging).")]
    public double FeatureFraction { get; init; } = 0.7;

    [Input("Fraction of the training rows each tree is grown on (bagging).")]
    public double BaggingFraction { get; init; } = 0.7;
}
