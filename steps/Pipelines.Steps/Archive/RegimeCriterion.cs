using Pipelines.Abstractions;

namespace Pipelines.Steps.Archive;

/// <summary>A day qualifies when more than a share of its labelled rows are in one regime, e.g. HIGH volatility.</summary>
public sealed record RegimeCriterion
{
    [Input("Column holding each row's regime.", Example = "regime_next")]
    public required string Column { get; init; }

    [Input("The regime that marks a rare day.", Example = "HIGH")]
    public required string Value { get; init; }

    [Input("A day qualifies when the share of its rows (with a regime) equal to value is above this.")]
    public double Above { get; init; } = 0.5;
}
