namespace Pipelines.Learning.Metrics;

/// <summary>
/// Performance of a trading signal. <c>signal[t]</c> is the position held over period t (e.g. -1 short,
/// 0 flat, 1 long, fractions allowed) and <c>returns[t]</c> the asset's simple return over that same period,
/// so the signal must have been decided before <c>returns[t]</c> was known; the strategy earns
/// <c>signal[t] * returns[t]</c>. Shifting the signal by one period is the caller's job when it is
/// computed from data that includes period t.
/// </summary>
public static class TradingMetrics
{
    /// <summary>Writes signal[t] * returns[t] into <paramref name="destination"/>.</summary>
    public static void StrategyReturns(ReadOnlySpan<double> signal, ReadOnlySpan<double> returns, Span<double> destination)
    {
        CheckSignalAndReturns(signal, returns);
        if (destination.Length != signal.Length)
            throw new ArgumentException($"length {destination.Length} differs from signal length {signal.Length}",
                nameof(destination));
        for (int t = 0; t < signal.Length; t++)
            destination[t] = signal[t] * returns[t];
    }

    public static double[] StrategyReturns(ReadOnlySpan<double> signal, ReadOnlySpan<double> returns)
    {
        var result = new double[signal.Length];
        StrategyReturns(signal, returns, result);
        return result;
    }

    /// <summary>
    /// Annualised Sharpe ratio (risk-free rate 0): mean / sample standard deviation (n - 1) of per-period
    /// returns, times sqrt(periodsPerYear). Zero dispersion gives 0 for a zero mean and ±infinity otherwise.
    /// </summary>
    public static double SharpeRatio(ReadOnlySpan<double> periodReturns, double periodsPerYear)
    {
        CheckReturns(periodReturns, nameof(periodReturns), minimumLength: 2);
        InputGuard.Positive(periodsPerYear, nameof(periodsPerYear));
        double mean = Mean(periodReturns);
        double squares = 0.0;
        foreach (double r in periodReturns)
            squares += (r - mean) * (r - mean);
        double deviation = Math.Sqrt(squares / (periodReturns.Length - 1));
        return Ratio(mean, deviation) * Math.Sqrt(periodsPerYear);
    }

    /// <summary>
    /// Annualised Sortino ratio with target 0: mean / downside deviation, times sqrt(periodsPerYear), where the
    /// downside deviation is sqrt(sum(min(r, 0)²) / n) over all n periods (gains count as zero shortfall, not
    /// dropped). No losing period gives +infinity for a positive mean and 0 for a zero mean.
    /// </summary>
    public static double SortinoRatio(ReadOnlySpan<double> periodReturns, double periodsPerYear)
    {
        CheckReturns(periodReturns, nameof(periodReturns), minimumLength: 1);
        InputGuard.Positive(periodsPerYear, nameof(periodsPerYear));
        double shortfall = 0.0;
        foreach (double r in periodReturns)
        {
            if (r < 0.0)
                shortfall += r * r;
        }
        double downside = Math.Sqrt(shortfall / periodReturns.Length);
        return Ratio(Mean(periodReturns), downside) * Math.Sqrt(periodsPerYear);
    }

    /// <summary>
    /// Largest peak-to-trough fall of compounded equity (starting at 1, equity_t = prod(1 + r)), as a positive
    /// fraction of the peak: 0.25 means equity once stood 25 % below its running maximum.
    /// </summary>
    public static double MaxDrawdown(ReadOnlySpan<double> periodReturns)
    {
        CheckReturns(periodReturns, nameof(periodReturns), minimumLength: 1);
        double equity = 1.0;
        double peak = 1.0;
        double worst = 0.0;
        foreach (double r in periodReturns)
        {
            equity *= 1.0 + r;
            if (equity > peak)
                peak = equity;
            double drawdown = (peak - equity) / peak;
            if (drawdown > worst)
                worst = drawdown;
        }
        return worst;
    }

    /// <summary>
    /// Geometric annualised return: (prod(1 + r))^(periodsPerYear / n) - 1. Equity at or below zero (a total
    /// loss, possible with leverage) gives -1.
    /// </summary>
    public static double AnnualisedReturn(ReadOnlySpan<double> periodReturns, double periodsPerYear)
    {
        CheckReturns(periodReturns, nameof(periodReturns), minimumLength: 1);
        InputGuard.Positive(periodsPerYear, nameof(periodsPerYear));
        double growth = 1.0;
        foreach (double r in periodReturns)
            growth *= 1.0 + r;
        if (growth <= 0.0)
            return -1.0;
        return Math.Exp(Math.Log(growth) * periodsPerYear / periodReturns.Length) - 1.0;
    }

    /// <summary>
    /// Fraction of active periods (strategy return not zero) that gained. Periods with a zero return, flat or
    /// not, are neither wins nor losses. No active period gives 0.
    /// </summary>
    public static double WinRate(ReadOnlySpan<double> periodReturns)
    {
        CheckReturns(periodReturns, nameof(periodReturns), minimumLength: 1);
        int wins = 0;
        int active = 0;
        foreach (double r in periodReturns)
        {
            if (r != 0.0)
            {
                active++;
                if (r > 0.0)
                    wins++;
            }
        }
        return active == 0 ? 0.0 : (double)wins / active;
    }

    /// <summary>
    /// Gross gains / gross losses. With no losing period the result is +infinity when something was gained
    /// and 0 when nothing was.
    /// </summary>
    public static double ProfitFactor(ReadOnlySpan<double> periodReturns)
    {
        CheckReturns(periodReturns, nameof(periodReturns), minimumLength: 1);
        double gains = 0.0;
        double losses = 0.0;
        foreach (double r in periodReturns)
        {
            if (r > 0.0)
                gains += r;
            else
                losses -= r;
        }
        if (losses == 0.0)
            return gains > 0.0 ? double.PositiveInfinity : 0.0;
        return gains / losses;
    }

    /// <summary>
    /// Mean absolute change of position per period, the position before the first period being flat (0), so
    /// entering the first position counts as trading: (|s0| + sum_{t>=1} |s_t - s_{t-1}|) / n.
    /// </summary>
    public static double Turnover(ReadOnlySpan<double> signal)
    {
        CheckReturns(signal, nameof(signal), minimumLength: 1);
        double previous = 0.0;
        double traded = 0.0;
        foreach (double s in signal)
        {
            traded += Math.Abs(s - previous);
            previous = s;
        }
        return traded / signal.Length;
    }

    /// <summary>All trading metrics of <paramref name="signal"/> over <paramref name="returns"/> at once.</summary>
    public static TradingPerformance Evaluate(ReadOnlySpan<double> signal, ReadOnlySpan<double> returns,
        double periodsPerYear)
    {
        CheckSignalAndReturns(signal, returns);
        if (signal.Length < 2)
            throw new ArgumentException("at least two periods are needed", nameof(signal));
        double[] strategy = StrategyReturns(signal, returns);
        return new TradingPerformance(
            SharpeRatio(strategy, periodsPerYear),
            SortinoRatio(strategy, periodsPerYear),
            MaxDrawdown(strategy),
            AnnualisedReturn(strategy, periodsPerYear),
            WinRate(strategy),
            ProfitFactor(strategy),
            Turnover(signal),
            signal.Length);
    }

    private static double Ratio(double mean, double dispersion)
    {
        if (dispersion > 0.0)
            return mean / dispersion;
        return mean == 0.0 ? 0.0 : mean > 0.0 ? double.PositiveInfinity : double.NegativeInfinity;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0.0;
        foreach (double v in values)
            sum += v;
        return sum / values.Length;
    }

    private static void CheckSignalAndReturns(ReadOnlySpan<double> signal, ReadOnlySpan<double> returns)
    {
        InputGuard.NotEmpty(signal, nameof(signal));
        InputGuard.SameLength(signal, nameof(signal), returns, nameof(returns));
        InputGuard.Finite(signal, nameof(signal));
        InputGuard.Finite(returns, nameof(returns));
    }

    private static void CheckReturns(ReadOnlySpan<double> values, string name, int minimumLength)
    {
        if (values.Length < minimumLength)
            throw new ArgumentException(
                values.IsEmpty ? "must not be empty" : $"needs at least {minimumLength} values, got {values.Length}", name);
        InputGuard.Finite(values, name);
    }
}
