using Pipelines.Abstractions;

namespace Pipelines.Steps.Labels;

public sealed record LabelInputs
{
    [Input("The table to label, e.g. bars or features.", Example = "${{ steps.features.outputs.table }}")]
    public required Artifact Input { get; init; }

    [Input("Column that orders the rows; its values must be unique.")]
    public string TimeColumn { get; init; } = "open_time";

    [Input("The labels, computed in order; each has name, kind (forward_return, forward_volatility, direction, regime, fill) and the options of its kind: horizon, column, log, dead_band_bps, periods_per_year, of, classes, distance_bps, side, high, low. A regime may bucket an earlier label, e.g. { name: regime_next, kind: regime, of: forward_vol_30 } with fit_until.",
        Example = "[{ name: forward_vol_30, kind: forward_volatility, horizon: 30 }, { name: filled, kind: fill, horizon: 15, distance_bps: 10 }]")]
    public required IReadOnlyList<LabelSpec> Labels { get; init; }

    [Input("Regime cut points are fitted only on rows before this time (a value of the time column's type), and only on labels whose horizon ends before it.",
        Example = "2023-03-08 00:00:00+00")]
    public string? FitUntil { get; init; }

    [Input("Instead of fit_until: regime cut points are fitted only on this leading fraction of the rows, purged of labels that look past it.")]
    public double? FitFraction { get; init; }

    [Input("Drop rows where any label is NULL (the last rows, whose horizon runs past the data).")]
    public bool DropIncomplete { get; init; }
}
