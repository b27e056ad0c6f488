using Pipelines.Abstractions;

namespace Pipelines.Steps.Backtest;

public sealed record BacktestInputs
{
    [Input("Out-of-sample rows to trade: a table with the time, the price and the model's prediction of each bar (e.g. a train step's holdout joined back to its bars on source_row by transform/sql).",
        Example = "${{ steps.holdout-bars.outputs.table }}")]
    public required Artifact Data { get; init; }

    [Input("Column ordering the bars: a timestamp, or epoch milliseconds.")]
    public string TimeColumn { get; init; } = "open_time";

    [Input("Column of the price trades fill at (the bar's close).")]
    public string PriceColumn { get; init; } = "close";

    [Input("Column of the model's prediction: a probability of the up class, or a predicted return.", Example = "prediction")]
    public required string PredictionColumn { get; init; }

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

    [Input("Bars a year holds, to annualise (525600 for one-minute bars, 8760 for hourly, 365 for daily crypto bars).")]
    public double PeriodsPerYear { get; init; } = 525_600;

    [Input("Stationary-bootstrap resamples of the per-bar returns behind the Sharpe and annual return intervals.")]
    public int BootstrapResamples { get; init; } = 1000;

    [Input("Two-sided confidence of the bootstrap intervals.")]
    public double Confidence { get; init; } = 0.95;

    [Input("Mean block length of the stationary bootstrap, in bars; none: the cube root of the bar count, rounded up.")]
    public double? BlockLength { get; init; }

    [Input("Seed of the bootstrap, so a rerun reports the same interval.")]
    public int Seed { get; init; } = 1;
}
