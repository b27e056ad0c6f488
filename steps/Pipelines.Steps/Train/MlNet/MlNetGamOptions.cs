using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>train/mlnet's gam options (ML.NET's GAM trainer options, by our names).</summary>
public sealed record MlNetGamOptions
{
    [Input("Boosting iterations over the shape functions.")]
    public int Iterations { get; init; } = 9500;

    [Input("Bins per feature at most (each feature's shape function is a step function over its bins).")]
    public int MaxBins { get; init; } = 255;

    [Input("Shrinkage of each iteration's update.")]
    public double LearningRate { get; init; } = 0.002;

    [Input("Training rows a bin's update needs at least.")]
    public int MinRowsPerLeaf { get; init; } = 10;
}
