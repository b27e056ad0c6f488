using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>train/mlnet's kmeans options (ML.NET's KMeans trainer options, by our names).</summary>
public sealed record MlNetKmeansOptions
{
    [Input("Clusters (regimes) to find; at most the number of training rows.")]
    public int Clusters { get; init; } = 5;

    [Input("Lloyd iterations at most.")]
    public int MaxIterations { get; init; } = 1000;

    [Input("Convergence tolerance on the change of the clusters.")]
    public double Tolerance { get; init; } = 1e-7;
}
