namespace Pipelines.Cli.Bench;

/// <summary>
/// The nearest-rank percentile of sorted samples: the smallest sample such that at least a fraction p of the samples are
/// at or below it, i.e. the ⌈p·n⌉-th smallest (1-based). Always one of the samples, never an interpolation, so a p99 of
/// latencies is a latency that happened. NaN for no samples.
/// </summary>
public static class NearestRank
{
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
