using Pipelines.Abstractions;
using Pipelines.Learning.Features;

namespace Pipelines.Steps.Features;

/// <summary>The explicit form of one feature in a pipeline file, for what the compact names do not cover.</summary>
public sealed record FeatureSpec
{
    [Input("Output column name.", Example = "close_sma_10")]
    public required string Name { get; init; }

    [Input("Feature kind: value, return, log_return, rate_of_change, sma, ema, std, zscore, trend, rsi, atr, natr, ratio_to_mean, dollar_volume, range_bps, spread_bps, order_imbalance, trade_flow_imbalance, bid_pressure, product, ratio.", Example = "sma")]
    public required string Kind { get; init; }

    [Input("The input column, for kinds with one input (defaults to the kind's usual column, e.g. close).")]
    public string? Column { get; init; }

    [Input("All inputs in the kind's order (e.g. [high, low, close] for atr, [a, b] for product and ratio; operands may be earlier features).")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Input("Window N (rolling and recursive kinds) or lag k (returns); 0 for kinds without one.")]
    public int Window { get; init; }

    public FeatureDefinition ToDefinition()
    {
        var kind = FeatureKinds.Parse(Kind).Kind;
        if (Column is not null && Inputs is { Count: > 0 })
            throw new FeatureDefinitionException($"feature '{Name}': give either column or inputs, not both");
        return FeatureDefinition.Create(Name, kind, Column is null ? Inputs : [Column], Window);
    }
}
