using System.Globalization;

namespace Pipelines.Abstractions;

/// <summary>
/// Thresholds of realised performance for a workspace (the <c>monitor:</c> section of ml.yaml). monitor/performance uses
/// them for every threshold its step does not set. Defaults follow the user's documents: THUNES retrains when the 7-day
/// Sharpe falls below 1.0; Quantum Trader's model supervisor alerts on win rate and calibration.
/// </summary>
public sealed record MonitorSettings
{
    [Input("Annualised Sharpe of the model's signal below which performance is degraded (THUNES: retrain if the 7-day Sharpe < 1.0).")]
    public double MinSharpe { get; init; } = 1.0;

    [Input("Lower bound of the win rate's Wilson interval below which performance is degraded: the model no longer wins more often than not, beyond doubt.")]
    public double MinWinRate { get; init; } = 0.5;

    [Input("Expected calibration error above which a classifier is degraded.")]
    public double MaxCalibrationError { get; init; } = 0.1;

    [Input("Confidence of the win rate's Wilson interval.")]
    public double Confidence { get; init; } = 0.95;

    [Input("Equal-width probability bins of the expected calibration error.")]
    public int CalibrationBins { get; init; } = 10;

    [Input("Fewest decisions with a known outcome a check needs; fewer give a result that says so (not degraded).")]
    public int MinRows { get; init; } = 30;

    /// <summary>Every rule the values break, as (snake_case key, problem); empty when they are usable.</summary>
    public IReadOnlyList<(string Key, string Problem)> Problems()
    {
        var problems = new List<(string, string)>();
        if (!double.IsFinite(MinSharpe)) problems.Add(("min_sharpe", Text($"must be a finite number, got {MinSharpe}")));
        if (!(MinWinRate >= 0 && MinWinRate <= 1)) problems.Add(("min_win_rate", Text($"must lie in [0, 1], got {MinWinRate}")));
        if (!(MaxCalibrationError >= 0 && MaxCalibrationError <= 1)) problems.Add(("max_calibration_error", Text($"must lie in [0, 1], got {MaxCalibrationError}")));
        if (!(Confidence > 0 && Confidence < 1)) problems.Add(("confidence", Text($"must lie in (0, 1), got {Confidence}")));
        if (CalibrationBins is < 2 or > 1000) problems.Add(("calibration_bins", Text($"must be between 2 and 1000, got {CalibrationBins}")));
        if (MinRows < 2) problems.Add(("min_rows", Text($"must be at least 2 (a Sharpe needs two returns), got {MinRows}")));
        return problems;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
