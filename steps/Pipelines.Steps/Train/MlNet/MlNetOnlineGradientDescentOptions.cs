using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>train/mlnet's online_gradient_descent options (ML.NET's OnlineGradientDescent trainer options, by our names).</summary>
public sealed record MlNetOnlineGradientDescentOptions
{
    [Input("Initial step size.")]
    public double LearningRate { get; init; } = 0.1;

    [Input("Shrink the step size as 1/√t over the updates.")]
    public bool DecreaseLearningRate { get; init; } = true;

    [Input("L2 penalty on the weights.")]
    public double L2 { get; init; }

    [Input("Passes over the training rows.")]
    public int Passes { get; init; } = 1;
}
