using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Monitoring;

/// <summary>
/// Sharpe ratio of a model's signal (THUNES' 7-day Sharpe): the per-decision strategy returns are s_i·r_i (signal
/// times the realised return over the label's horizon); the ratio is their mean over their sample standard deviation
/// (n - 1), times sqrt(periodsPerYear), risk-free rate 0. <c>periodsPerYear</c> is how many such decisions a year
/// holds (525600 for one decision per one-minute bar); it is the caller's statement of the bar frequency, since
/// decisions on ticks have none of their own. Zero dispersion gives 0 for a zero mean and ±infinity otherwise.
/// </summary>
public static class SignalSharpe
{
    public static double Compute(ReadOnlySpan<double> signal, ReadOnlySpan<double> returns, double periodsPerYear)
    {
        InputGuard.SameLength(signal, nameof(signal), returns, nameof(returns));
        var strategy = TradingMetrics.StrategyReturns(signal, returns);
        return TradingMetrics.SharpeRatio(strategy, periodsPerYear);
    }
}
