namespace Pipelines.Learning.Backtesting;

/// <summary>
/// Percentile confidence interval of a statistic of a time series by the stationary bootstrap (Politis and Romano,
/// 1994): each resample of length n is built from blocks of consecutive observations, wrapping past the end, whose
/// start is uniform on 0..n-1 and whose length is geometric with mean <c>meanBlockLength</c> (after each taken
/// observation a new block starts with probability p = 1 / meanBlockLength). Blocks keep the short-range dependence
/// of per-bar returns (volatility clusters) that an i.i.d. bootstrap would destroy. The interval is the
/// [(1 - confidence) / 2, (1 + confidence) / 2] empirical quantiles (nearest rank, ⌊q·B⌋ clamped to B - 1) of the
/// statistic over B resamples; resamples where the statistic is NaN are left out. The default mean block length is
/// ⌈n^(1/3)⌉, the rate that keeps the variance estimate consistent.
/// </summary>
public static class StationaryBootstrap
{
    public readonly record struct Interval(double Lower, double Upper, int Resamples, double MeanBlockLength);

    /// <param name="series">The observations, in time order.</param>
    /// <param name="statistic">The statistic of a series (e.g. an annualised Sharpe ratio).</param>
    /// <param name="resamples">Bootstrap resamples B (at least 100).</param>
    /// <param name="confidence">Two-sided confidence, in (0, 1).</param>
    /// <param name="seed">Seed of the resampling, so a run is reproducible.</param>
    /// <param name="meanBlockLength">Mean block length; null for ⌈n^(1/3)⌉.</param>
    public static Interval Of(ReadOnlySpan<double> series, Func<double[], double> statistic, int resamples = 1000, double confidence = 0.95,
        int seed = 1, double? meanBlockLength = null)
    {
        var n = series.Length;
        if (n < 2) throw new ArgumentException($"needs at least 2 observations, got {n}", nameof(series));
        if (resamples < 100) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "use at least 100 resamples");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        var block = meanBlockLength ?? Math.Ceiling(Math.Cbrt(n));
        if (!(block >= 1)) throw new ArgumentOutOfRangeException(nameof(meanBlockLength), meanBlockLength, "must be at least 1");
        var restart = 1.0 / block;

        var random = new Random(seed);
        var sample = new double[n];
        var values = new List<double>(resamples);
        for (var b = 0; b < resamples; b++)
        {
            var position = random.Next(n);
            for (var i = 0; i < n; i++)
            {
                if (i > 0 && random.NextDouble() < restart) position = random.Next(n);
                sample[i] = series[position];
                position = (position + 1) % n;
            }
            var value = statistic(sample);
            if (!double.IsNaN(value)) values.Add(value);
        }
        if (values.Count == 0) throw new ArgumentException("the statistic was NaN on every resample", nameof(statistic));
        values.Sort();
        return new Interval(Quantile(values, (1 - confidence) / 2), Quantile(values, (1 + confidence) / 2), values.Count, block);
    }

    private static double Quantile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
}
