using Pipelines.Abstractions;

namespace Pipelines.Steps.Backtest;

/// <summary>
/// A backtest's figures, each over the per-bar net returns (after costs) and stated with the sample behind it. Ratios
/// that would be infinite (no dispersion, no losing bar) are reported as the largest finite double of their sign, so
/// the JSON a gate reads stays valid.
/// </summary>
public sealed record BacktestMetrics
{
    [Output("Annualised Sharpe ratio of the net per-bar returns (mean / sample standard deviation × √periods_per_year, risk-free 0).")]
    public required double Sharpe { get; init; }

    [Output("Lower bound of the Sharpe's stationary-bootstrap percentile interval.")]
    public required double SharpeLower { get; init; }

    [Output("Upper bound of the Sharpe's stationary-bootstrap percentile interval.")]
    public required double SharpeUpper { get; init; }

    [Output("Annualised Sortino ratio (mean / downside deviation over all bars, target 0).")]
    public required double Sortino { get; init; }

    [Output("Largest peak-to-trough fall of compounded equity, as a positive fraction of the peak.")]
    public required double MaxDrawdown { get; init; }

    [Output("Geometric annualised return: growth^(periods_per_year / bars) - 1.")]
    public required double AnnualReturn { get; init; }

    [Output("Lower bound of the annual return's stationary-bootstrap percentile interval.")]
    public required double AnnualReturnLower { get; init; }

    [Output("Upper bound of the annual return's stationary-bootstrap percentile interval.")]
    public required double AnnualReturnUpper { get; init; }

    [Output("Share of bars with a non-zero net return that gained.")]
    public required double WinRate { get; init; }

    [Output("Gross gains / gross losses of the net per-bar returns.")]
    public required double ProfitFactor { get; init; }

    [Output("Mean absolute change of position per bar (starting flat).")]
    public required double Turnover { get; init; }

    [Output("Share of bars holding a position, long or short.")]
    public required double Exposure { get; init; }

    [Output("Position changes (each pays fees and slippage).")]
    public required int Trades { get; init; }

    [Output("Bars the returns rest on (rows - 1 in each fold).")]
    public required int Bars { get; init; }

    [Output("Calendar days traded: from the first bar to the last, summed over the folds.")]
    public required double Days { get; init; }

    [Output("Bars a year holds, as declared or measured from the data, by which every figure is annualised.")]
    public required double PeriodsPerYear { get; init; }

    [Output("Buy-and-hold's annualised return over the same bars (entry cost paid once).")]
    public required double BuyAndHoldAnnualReturn { get; init; }

    [Output("Buy-and-hold's annualised Sharpe over the same bars.")]
    public required double BuyAndHoldSharpe { get; init; }

    [Output("Buy-and-hold's max drawdown over the same bars.")]
    public required double BuyAndHoldMaxDrawdown { get; init; }
}
