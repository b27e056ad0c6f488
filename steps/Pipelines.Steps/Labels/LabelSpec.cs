using Pipelines.Abstractions;

namespace Pipelines.Steps.Labels;

/// <summary>One label column, e.g. <c>{ name: regime_next, kind: regime, of: forward_vol_30 }</c>.</summary>
public sealed record LabelSpec
{
    [Input("Output column name.", Example = "forward_vol_30")]
    public required string Name { get; init; }

    [Input("What the label measures.")]
    public required LabelKind Kind { get; init; }

    [Input("Rows ahead the label looks (forward_return, forward_volatility, direction, fill); a row whose horizon runs past the data gets NULL.")]
    public int Horizon { get; init; }

    [Input("Price column returns, volatility and fill prices are measured from.")]
    public string Column { get; init; } = "close";

    [Input("forward_return and direction: log return ln(p[t+h] / p[t]) instead of p[t+h] / p[t] - 1.")]
    public bool Log { get; init; }

    [Input("direction: returns within this many basis points of zero are labelled 0.")]
    public double DeadBandBps { get; init; }

    [Input("forward_volatility: annualise by the square root of this many rows per year (525600 for one-minute bars); 0 leaves it per row.")]
    public double PeriodsPerYear { get; init; }

    [Input("regime: the earlier label or the numeric column whose quantiles define the classes.")]
    public string? Of { get; init; }

    [Input("regime: class names from the lowest values to the highest; n names use the n-1 quantile cut points (terciles for three).")]
    public IReadOnlyList<string> Classes { get; init; } = ["LOW", "MID", "HIGH"];

    [Input("fill: distance of the limit price from the close, in basis points.")]
    public double DistanceBps { get; init; }

    [Input("fill: buy (limit below the close, filled by a later low) or sell (above it, filled by a later high).")]
    public OrderSide Side { get; init; } = OrderSide.Buy;

    [Input("fill: column of bar highs.")]
    public string High { get; init; } = "high";

    [Input("fill: column of bar lows.")]
    public string Low { get; init; } = "low";
}
