using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

/// <summary>One tuned parameter, e.g. <c>{ name: learning_rate, low: 0.01, high: 0.3, type: log }</c>.</summary>
public sealed record TuningRange
{
    [Input("Parameter by LightGBM's name (learning_rate, num_leaves, min_data_in_leaf, feature_fraction, lambda_l2, …).")]
    public required string Name { get; init; }

    [Input("Lowest value (inclusive).")]
    public required double Low { get; init; }

    [Input("Highest value (inclusive).")]
    public required double High { get; init; }

    [Input("int (whole numbers), float (uniform) or log (uniform in the logarithm; low must be positive).")]
    public TuningRangeType Type { get; init; } = TuningRangeType.Float;
}
