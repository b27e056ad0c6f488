namespace Pipelines.Learning.Drift;

/// <summary>
/// Outcome of a two-sample Kolmogorov–Smirnov test: the largest gap <c>Statistic</c> between the two empirical
/// CDFs, its asymptotic <c>PValue</c>, and the effective sample size n*m/(n+m) the p-value was computed at.
/// </summary>
public readonly record struct KolmogorovSmirnovResult(double Statistic, double PValue, double EffectiveSampleSize);
