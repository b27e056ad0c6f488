namespace Pipelines.Learning.Metrics;

/// <summary>The trading metrics of one signal over one return series, as computed by <see cref="TradingMetrics.Evaluate"/>.</summary>
public sealed record TradingPerformance(
    double SharpeRatio,
    double SortinoRatio,
    double MaxDrawdown,
    double AnnualisedReturn,
    double WinRate,
    double ProfitFactor,
    double Turnover,
    int Periods);
