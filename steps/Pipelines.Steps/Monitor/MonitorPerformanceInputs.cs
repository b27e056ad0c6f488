using Pipelines.Abstractions;

namespace Pipelines.Steps.Monitor;

public sealed record MonitorPerformanceInputs
{
    [Input("Registered model whose live decisions are judged.", Example = "tick-flow")]
    public required string Model { get; init; }

    [Input("Alias of the version judged: only decisions that version made count.")]
    public string Alias { get; init; } = "champion";

    [Input("The data that gives decisions their outcomes: a table with the label definition's time column, its price column and the decisions' key column, covering the decisions and what came after them.",
        Example = "${{ steps.later-ticks.outputs.table }}")]
    public required Artifact Data { get; init; }

    [Input("Column of data matching a decision's trade id.")]
    public string KeyColumn { get; init; } = "trade_id";

    [Input("How far back from until decisions are judged (THUNES' 7-day Sharpe).")]
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(7);

    [Input("End of the window, a UTC time (e.g. 2023-03-21T00:00:00Z); by default the time of the version's newest stored decision, so a replay is judged on its own span.")]
    public string? Until { get; init; }

    [Input("Decisions a year of this model's signal holds, to annualise the Sharpe (525600: one per one-minute bar); state the decision frequency here.")]
    public double PeriodsPerYear { get; init; } = 525_600;

    [Input("A classifier's probability at or above which its signal is long (+1); below it the signal is short (-1). A regressor's signal is the sign of its prediction.")]
    public double SignalThreshold { get; init; } = 0.5;

    // Thresholds default to ml.yaml's monitor: section (see MonitorSettings); a value here overrides it for this step.
    [Input("Sharpe below which performance is degraded; default ml.yaml monitor.min_sharpe (1.0).")]
    public double? MinSharpe { get; init; }

    [Input("Wilson lower bound of the win rate below which performance is degraded; default ml.yaml monitor.min_win_rate (0.5).")]
    public double? MinWinRate { get; init; }

    [Input("Expected calibration error above which a classifier is degraded; default ml.yaml monitor.max_calibration_error (0.1).")]
    public double? MaxCalibrationError { get; init; }

    [Input("Confidence of the win rate's Wilson interval; default ml.yaml monitor.confidence (0.95).")]
    public double? Confidence { get; init; }

    [Input("Equal-width bins of the calibration error; default ml.yaml monitor.calibration_bins (10).")]
    public int? CalibrationBins { get; init; }

    [Input("Fewest decisions with an outcome a verdict needs; default ml.yaml monitor.min_rows (30). Fewer give a result that says so and is not degraded.")]
    public int? MinRows { get; init; }

    [Input("Fail the step, instead of reporting, when fewer than min_rows decisions have an outcome.")]
    public bool FailOnTooFewRows { get; init; }

    /// <summary>The thresholds this step applies: its own where set, ml.yaml's monitor: section otherwise.</summary>
    public MonitorSettings Thresholds(MonitorSettings workspace) => workspace with
    {
        MinSharpe = MinSharpe ?? workspace.MinSharpe,
        MinWinRate = MinWinRate ?? workspace.MinWinRate,
        MaxCalibrationError = MaxCalibrationError ?? workspace.MaxCalibrationError,
        Confidence = Confidence ?? workspace.Confidence,
        CalibrationBins = CalibrationBins ?? workspace.CalibrationBins,
        MinRows = MinRows ?? workspace.MinRows,
    };
}
