using Pipelines.Abstractions;

namespace Pipelines.Steps.Validate;

/// <summary>One declarative requirement on a metric, e.g. <c>{ metric: auc, min: 0.55 }</c>.</summary>
public sealed record GateRequirement
{
    [Input("Metric name as the train step reports it (auc, logloss, accuracy, macro_f1, rmse, r2, …).")]
    public required string Metric { get; init; }

    [Input("Lowest acceptable value (inclusive).")]
    public double? Min { get; init; }

    [Input("Highest acceptable value (inclusive).")]
    public double? Max { get; init; }
}
