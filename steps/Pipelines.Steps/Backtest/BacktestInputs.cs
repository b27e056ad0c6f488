using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Backtest;

public sealed record BacktestInputs : ICheckedInputs
{
    [Input("Rows to trade, in any order: the time and price of each bar or tick and, without predictions, the model's prediction (e.g. a train step's holdout joined back to its bars); with predictions, the table the model was trained on.",
        Example = "${{ steps.labels.outputs.table }}")]
    public required Artifact Data { get; init; }

    [Input("Out-of-sample predictions keyed by source_row, the row of data they belong to (a train step's out_of_sample, or its holdout); only these rows are traded. Without it data carries the predictions itself.",
        Example = "${{ steps.train.outputs.out_of_sample }}")]
    public Artifact? Predictions { get; init; }

    [Input("Column ordering the rows: a timestamp, or epoch milliseconds.")]
    public string TimeColumn { get; init; } = "open_time";

    [Input("Column of the price trades fill at (the bar's close, or the tick's price).")]
    public string PriceColumn { get; init; } = "close";

    [Input("Column of the model's prediction: a probability of the up class, or a predicted return.", Example = "prediction")]
    public required string PredictionColumn { get; init; }

    [Input("Column naming each row's walk-forward fold: every fold is traded on its own (starting flat) and the folds are stitched in order for the headline figures. None: the 'fold' column when the predictions (or data) have one, else one fold.")]
    public string? FoldColumn { get; init; }

    [Input("Column of the bid-ask spread at each row, in price units: a fill at that row's price pays half of it per unit traded, on top of fees and slippage. None: no spread cost.")]
    public string? SpreadColumn { get; init; }

    [Input("Go long when the prediction is above this (e.g. 0.55 for a probability, 0.0005 for a predicted return); none: never long.")]
    public double? LongAbove { get; init; }

    [Input("Go short when the prediction is below this; none: never short. Must not exceed long_above.")]
    public double? ShortBelow { get; init; }

    [Input("Largest position, as a fraction of equity (1 = fully invested, long or short).")]
    public double MaxPosition { get; init; } = 1.0;

    [Input("Size by confidence: the distance beyond the threshold at which the position reaches max_position (it grows linearly up to there); none: every position is max_position.")]
    public double? FullSizeMargin { get; init; }

    [Input("Exchange fee per unit of notional traded, in basis points (10 = 0.1 %).")]
    public double FeeBps { get; init; } = 10;

    [Input("Slippage per unit of notional traded, in basis points.")]
    public double SlippageBps { get; init; } = 0;

    [Input("Bars (or ticks) a year holds, to annualise: 525600 for one-minute bars, 8760 for hourly, 365 for daily crypto bars. None: measured from the data, bars traded per 365.25 days of the folds' spans (the way for ticks, whose spacing varies).")]
    public double? PeriodsPerYear { get; init; }

    [Input("Calendar period of the returns table: month or day (UTC).")]
    public ReturnsPeriod ReturnsPeriod { get; init; } = ReturnsPeriod.Month;

    [Input("Stationary-bootstrap resamples of the per-bar returns behind the Sharpe and annual return intervals.")]
    public int BootstrapResamples { get; init; } = 1000;

    [Input("Two-sided confidence of the bootstrap intervals.")]
    public double Confidence { get; init; } = 0.95;

    [Input("Mean block length of the stationary bootstrap, in bars; none: the cube root of the bar count, rounded up.")]
    public double? BlockLength { get; init; }

    [Input("Seed of the bootstrap, so a rerun reports the same interval.")]
    public int Seed { get; init; } = 1;

    public IEnumerable<InputProblem> Problems()
    {
        if (LongAbove is null && ShortBelow is null)
            yield return new InputProblem("long_above", "the policy takes no side: set long_above, short_below or both", "short_below");
        if (LongAbove is { } l && !double.IsFinite(l)) yield return new InputProblem("long_above", Text($"must be a finite number, got {l}"));
        if (ShortBelow is { } s && !double.IsFinite(s)) yield return new InputProblem("short_below", Text($"must be a finite number, got {s}"));
        if (LongAbove is { } above && ShortBelow is { } below && below > above)
            yield return new InputProblem("short_below", Text($"{below} is above long_above {above}: the thresholds overlap, so a prediction between them would be both long and short"), "long_above");
        if (!(MaxPosition > 0) || !double.IsFinite(MaxPosition)) yield return new InputProblem("max_position", Text($"must be a positive number, got {MaxPosition}"));
        if (FullSizeMargin is { } margin && !(margin > 0 && double.IsFinite(margin)))
            yield return new InputProblem("full_size_margin", Text($"must be a positive number, got {margin}"));
        if (!(FeeBps >= 0) || !double.IsFinite(FeeBps)) yield return new InputProblem("fee_bps", Text($"a cost cannot be negative: got {FeeBps}"));
        if (!(SlippageBps >= 0) || !double.IsFinite(SlippageBps)) yield return new InputProblem("slippage_bps", Text($"a cost cannot be negative: got {SlippageBps}"));
        if (PeriodsPerYear is { } perYear && (!(perYear > 0) || !double.IsFinite(perYear)))
            yield return new InputProblem("periods_per_year", Text($"must be a positive number, got {perYear}"));
        if (BootstrapResamples < 100) yield return new InputProblem("bootstrap_resamples", Text($"use at least 100, got {BootstrapResamples}"));
        if (!(Confidence > 0 && Confidence < 1)) yield return new InputProblem("confidence", Text($"must lie in (0, 1), got {Confidence}"));
        if (BlockLength is { } block && !(block >= 1 && double.IsFinite(block))) yield return new InputProblem("block_length", Text($"must be at least 1 bar, got {block}"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
