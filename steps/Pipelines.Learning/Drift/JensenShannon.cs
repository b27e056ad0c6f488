using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Drift;

/// <summary>
/// Jensen–Shannon divergence in bits (base 2, so it lies in [0, 1]) and its square root, the Jensen–Shannon
/// distance, a metric. Samples are histogrammed on shared bins: <c>binCount</c> equal-width bins spanning the
/// smallest to the largest value of both samples together, the last bin closed on the right.
/// </summary>
public static class JensenShannon
{
    public const int DefaultBinCount = 10;

    public static double Divergence(ReadOnlySpan<double> reference, ReadOnlySpan<double> current,
        int binCount = DefaultBinCount)
    {
        InputGuard.NotEmpty(reference, nameof(reference));
        InputGuard.NotEmpty(current, nameof(current));
        InputGuard.Finite(reference, nameof(reference));
        InputGuard.Finite(current, nameof(current));
        InputGuard.Positive(binCount, nameof(binCount));

        double low = double.PositiveInfinity;
        double high = double.NegativeInfinity;
        foreach (double x in reference)
        {
            low = Math.Min(low, x);
            high = Math.Max(high, x);
        }
        foreach (double x in current)
        {
            low = Math.Min(low, x);
            high = Math.Max(high, x);
        }
        var p = new double[binCount];
        var q = new double[binCount];
        Histogram(reference, low, high, p);
        Histogram(current, low, high, q);
        return DivergenceOfDistributions(p, q);
    }

    public static double Distance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current,
        int binCount = DefaultBinCount) => Math.Sqrt(Divergence(reference, current, binCount));

    /// <summary>
    /// Divergence of two distributions over the same bins. Inputs are non-negative weights and are normalised
    /// to sum to 1 first, so raw counts are accepted.
    /// </summary>
    public static double DivergenceOfDistributions(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputGuard.NotEmpty(p, nameof(p));
        InputGuard.SameLength(p, nameof(p), q, nameof(q));
        double sumP = Total(p, nameof(p));
        double sumQ = Total(q, nameof(q));
        double divergence = 0.0;
        for (int k = 0; k < p.Length; k++)
        {
            double pk = p[k] / sumP;
            double qk = q[k] / sumQ;
            double mk = 0.5 * (pk + qk);
            // 0 * log(0 / m) is taken as 0, the limit.
            if (pk > 0.0)
                divergence += 0.5 * pk * Math.Log2(pk / mk);
            if (qk > 0.0)
                divergence += 0.5 * qk * Math.Log2(qk / mk);
        }
        return Math.Clamp(divergence, 0.0, 1.0);
    }

    private static double Total(ReadOnlySpan<double> weights, string name)
    {
        double sum = 0.0;
        for (int k = 0; k < weights.Length; k++)
        {
            double w = weights[k];
            if (!double.IsFinite(w) || w < 0.0)
                throw new ArgumentException($"element {k} is {w}; weights must be finite and non-negative", name);
            sum += w;
        }
        if (sum == 0.0)
            throw new ArgumentException("weights sum to zero", name);
        return sum;
    }

    private static void Histogram(ReadOnlySpan<double> values, double low, double high, double[] counts)
    {
        int bins = counts.Length;
        double width = (high - low) / bins;
        foreach (double x in values)
        {
            int bin = width > 0.0 ? (int)((x - low) / width) : 0;
            counts[Math.Clamp(bin, 0, bins - 1)]++;
        }
    }
}
