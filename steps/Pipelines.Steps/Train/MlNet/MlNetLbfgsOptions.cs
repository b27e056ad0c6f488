using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>train/mlnet's lbfgs_logistic_regression options (ML.NET's L-BFGS trainer options, by our names).</summary>
public sealed record MlNetLbfgsOptions
{
    [Input("L1 penalty on the weights.")]
    public double L1 { get; init; } = 1.0;

    [Input("L2 penalty on the weights.")]
    public double L2 { get; init; } = 1.0;

    [Input("Convergence tolerance of the optimiser.")]
    public double Tolerance { get; init; } = 1e-7;

    [Input("Past updates the L-BFGS approximation of the Hessian keeps.")]
    public int HistorySize { get; init; } = 20;

    [Input("Optimiser iterations at most.")]
    public int MaxIterations { get; init; } = 1000;
}
