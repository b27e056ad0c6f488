using Pipelines.Abstractions;

namespace Pipelines.Engine.Tests.Schema;

public sealed record KindsLimits
{
    [Input("Smallest value.")]
    public required double Min { get; init; }

    [Input("Largest value.")]
    public double Max { get; init; } = 10;
}
