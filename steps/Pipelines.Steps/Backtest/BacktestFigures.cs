using Pipelines.Learning.Backtesting;
using Pipelines.Learning.Metrics;

namespace Pipelines.Steps.Backtest;

/// <summary>The figures of one traded sample (a fold, or the folds stitched), with the sample they rest on.</summary>
internal static class BacktestFigures
{
    public static BacktestMetrics Of(SignalBacktest.Path path, double days, double periodsPerYear, BacktestInputs inputs, out StationaryBootstrap.Interval sharpeInterval)
    {
        var strategy = path.StrategyReturns;
        sharpeInterval = StationaryBootstrap.Of(strategy, s => TradingMetrics.SharpeRatio(s, periodsPerYear), inputs.BootstrapResamples, inputs.Confidence, inputs.Seed, inputs.BlockLength);
        var returnInterval = StationaryBootstrap.Of(strategy, s => TradingMetrics.AnnualisedReturn(s, periodsPerYear), inputs.BootstrapResamples, inputs.Confidence, inputs.Seed, inputs.BlockLength);
        return new BacktestMetrics
        {
            Sharpe = Finite(TradingMetrics.SharpeRatio(strategy, periodsPerYear)),
            SharpeLower = Finite(sharpeInterval.Lower),
            SharpeUpper = Finite(sharpeInterval.Upper),
            Sortino = Finite(TradingMetrics.SortinoRatio(strategy, periodsPerYear)),
            MaxDrawdown = TradingMetrics.MaxDrawdown(strategy),
            AnnualReturn = Finite(TradingMetrics.AnnualisedReturn(strategy, periodsPerYear)),
            AnnualReturnLower = Finite(returnInterval.Lower),
            AnnualReturnUpper = Finite(returnInterval.Upper),
            WinRate = TradingMetrics.WinRate(strategy),
            ProfitFactor = Finite(TradingMetrics.ProfitFactor(strategy)),
            Turnover = TradingMetrics.Turnover(path.Positions),
            Exposure = path.Exposure,
            Trades = path.Trades,
            Bars = strategy.Length,
            Days = days,
            PeriodsPerYear = periodsPerYear,
            BuyAndHoldAnnualReturn = Finite(TradingMetrics.AnnualisedReturn(path.BuyAndHoldReturns, periodsPerYear)),
            BuyAndHoldSharpe = Finite(TradingMetrics.SharpeRatio(path.BuyAndHoldReturns, periodsPerYear)),
            BuyAndHoldMaxDrawdown = TradingMetrics.MaxDrawdown(path.BuyAndHoldReturns),
        };
    }

    /// <summary>
    /// Folds traded one after another: their per-bar returns and positions in fold order. Each fold starts flat, so
    /// the bar between two folds (and any gap) earns nothing and the first change in a fold pays its costs.
    /// </summary>
    public static SignalBacktest.Path Stitch(IReadOnlyList<SignalBacktest.Path> folds) => folds.Count == 1 ? folds[0] : new SignalBacktest.Path(
        [.. folds.SelectMany(f => f.BarReturns)], [.. folds.SelectMany(f => f.Positions)], [.. folds.SelectMany(f => f.StrategyReturns)],
        [.. folds.SelectMany(f => f.BuyAndHoldReturns)], folds.Sum(f => f.Trades));

    private static double Finite(double value) => double.IsPositiveInfinity(value) ? double.MaxValue : double.IsNegativeInfinity(value) ? double.MinValue : value;
}
