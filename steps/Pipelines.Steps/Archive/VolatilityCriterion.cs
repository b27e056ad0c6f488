using Pipelines.Abstractions;

namespace Pipelines.Steps.Archive;

/// <summary>
/// A day qualifies when its volatility is above a level: the realised volatility of a price column (the square root of
/// the day's summed squared log returns between consecutive rows), or the day's mean of a supplied index series.
/// </summary>
public sealed record VolatilityCriterion
{
    [Input("Price column whose daily realised volatility is measured (e.g. close); give this or column.")]
    public string? PriceColumn { get; init; }

    [Input("A volatility index series in the data (e.g. a VIX-like column), averaged per day; give this or price_column.")]
    public string? Column { get; init; }

    [Input("A day qualifies when its measure is above this (realised volatility is per day, not annualised: 0.03 is 3 %).")]
    public required double Above { get; init; }

    [Input("Fewest consecutive qualifying days that make an event.")]
    public int Days { get; init; } = 1;
}
