using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>train/mlnet's fast_tree options (ML.NET's FastTree trainer options, by our names).</summary>
public sealed record MlNetFastTreeOptions
{
    [Input("Boosting rounds (trees).")]
    public int Trees { get; init; } = 100;

    [Input("Leaves per tree at most.")]
    public int Leaves { get; init; } = 20;

    [Input("Training rows a leaf needs at least.")]
    public int MinRowsPerLeaf { get; init; } = 10;

    [Input("Shrinkage of each tree's contribution.")]
    public double LearningRate { get; init; } = 0.2;

    [Input("Fraction of the features each tree may split on.")]
    public double FeatureFraction { get; init; } = 1.0;
}
