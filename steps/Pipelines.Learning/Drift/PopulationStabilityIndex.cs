using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Drift;

/// <summary>
/// Population stability index: sum over bins of (actual - expected) * ln(actual / expected), with expected the
/// reference sample's bin proportions and actual the current sample's.
/// <para>Binning: edges are the reference's empirical quantiles, so each of the <c>binCount</c> bins holds about
/// the same share of the reference. Edge k (k = 1..B-1) is the reference value of rank ceil(k*n/B); bins are
/// closed on the right: (-inf, e1], (e1, e2], ..., (e_{B-1}, +inf). Repeated edges (heavily tied reference
/// values) merge, leaving fewer bins.</para>
/// <para>Empty bins: a proportion of zero would make the logarithm infinite, so a zero proportion is replaced by
/// <c>epsilon</c> (default 1e-4) before summing; the other proportions are left as they are.</para>
/// </summary>
public static class PopulationStabilityIndex
{
    public const int DefaultBinCount = 10;

    public const double DefaultEpsilon = 1e-4;

    public static double Compute(ReadOnlySpan<double> reference, ReadOnlySpan<double> current,
        int binCount = DefaultBinCount, double epsilon = DefaultEpsilon)
    {
        InputGuard.NotEmpty(reference, nameof(reference));
        InputGuard.NotEmpty(current, nameof(current));
        InputGuard.Finite(reference, nameof(reference));
        InputGuard.Finite(current, nameof(current));
        if (binCount < 2)
            throw new ArgumentOutOfRangeException(nameof(binCount), binCount, "at least two bins are needed");
        CheckEpsilon(epsilon);

        double[] edges = QuantileEdges(reference, binCount);
        int bins = edges.Length + 1;
        var expected = new double[bins];
        var actual = new double[bins];
        foreach (double x in reference)
            expected[BinOf(edges, x)]++;
        foreach (double x in current)
            actual[BinOf(edges, x)]++;
        for (int b = 0; b < bins; b++)
        {
            expected[b] /= reference.Length;
            actual[b] /= current.Length;
        }
        return FromProportions(expected, actual, epsilon);
    }

    /// <summary>PSI of two already-binned distributions (proportions summing to 1 over the same bins).</summary>
    public static double FromProportions(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual,
        double epsilon = DefaultEpsilon)
    {
        InputGuard.NotEmpty(expected, nameof(expected));
        InputGuard.SameLength(expected, nameof(expected), actual, nameof(actual));
        InputGuard.Probabilities(expected, nameof(expected));
        InputGuard.Probabilities(actual, nameof(actual));
        CheckSumsToOne(expected, nameof(expected));
        CheckSumsToOne(actual, nameof(actual));
        CheckEpsilon(epsilon);
        double psi = 0.0;
        for (int b = 0; b < expected.Length; b++)
        {
            double e = expected[b] == 0.0 ? epsilon : expected[b];
            double a = actual[b] == 0.0 ? epsilon : actual[b];
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    /// <summary>The distinct inner bin edges quantile binning of <paramref name="reference"/> produces.</summary>
    public static double[] QuantileEdges(ReadOnlySpan<double> reference, int binCount)
    {
        double[] sorted = reference.ToArray();
        Array.Sort(sorted);
        var edges = new List<double>(binCount - 1);
        for (int k = 1; k < binCount; k++)
        {
            long rank = ((long)k * sorted.Length + binCount - 1) / binCount; // ceil(k n / B), 1-based
            double edge = sorted[Math.Max(rank, 1) - 1];
            if ((edges.Count == 0 || edge > edges[^1]) && edge < sorted[^1])
                edges.Add(edge);
        }
        return edges.ToArray();
    }

    private static int BinOf(double[] edges, double x)
    {
        // number of edges strictly below x = index of the right-closed bin holding x
        int low = 0;
        int high = edges.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (edges[middle] < x)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    private static void CheckSumsToOne(ReadOnlySpan<double> proportions, string name)
    {
        double sum = 0.0;
        foreach (double p in proportions)
            sum += p;
        if (Math.Abs(sum - 1.0) > 1e-6)
            throw new ArgumentException($"proportions sum to {sum}, not 1", name);
    }

    private static void CheckEpsilon(double epsilon)
    {
        if (!(epsilon > 0.0 && epsilon < 1.0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must lie in (0, 1)");
    }
}
