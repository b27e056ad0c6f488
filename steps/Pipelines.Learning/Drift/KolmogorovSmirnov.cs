using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Drift;

/// <summary>
/// Two-sample Kolmogorov–Smirnov test. Both samples are sorted once (O((n+m) log(n+m))) and walked together.
/// The p-value is SciPy's <c>ks_2samp(method='asymp')</c>: the survival function of the one-sample statistic's
/// distribution (<see cref="KolmogorovSmirnovDistribution"/>) at D for the effective sample size
/// en = n*m/(n+m), rounded half to even (at least 1). As en grows this tends to the Kolmogorov limit
/// Q_KS(sqrt(en) * D), available as <see cref="KolmogorovSurvival"/>.
/// </summary>
public static class KolmogorovSmirnov
{
    public static KolmogorovSmirnovResult TwoSample(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        InputGuard.NotEmpty(reference, nameof(reference));
        InputGuard.NotEmpty(current, nameof(current));
        InputGuard.Finite(reference, nameof(reference));
        InputGuard.Finite(current, nameof(current));

        double[] a = reference.ToArray();
        double[] b = current.ToArray();
        Array.Sort(a);
        Array.Sort(b);
        double d = Statistic(a, b);
        double n = a.Length;
        double m = b.Length;
        double effective = n * m / (n + m);
        int roundedSize = (int)Math.Max(1.0, Math.Round(effective, MidpointRounding.ToEven));
        return new KolmogorovSmirnovResult(d, KolmogorovSmirnovDistribution.Survival(roundedSize, d), effective);
    }

    /// <summary>Largest |F_a(x) - F_b(x)| over all x, for two ascending samples.</summary>
    public static double Statistic(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        InputGuard.NotEmpty(sortedA, nameof(sortedA));
        InputGuard.NotEmpty(sortedB, nameof(sortedB));
        CheckAscending(sortedA, nameof(sortedA));
        CheckAscending(sortedB, nameof(sortedB));
        double n = sortedA.Length;
        double m = sortedB.Length;
        int i = 0;
        int j = 0;
        double largest = 0.0;
        while (i < sortedA.Length && j < sortedB.Length)
        {
            // Step both CDFs past every copy of the smallest remaining value, so ties move together.
            double x = Math.Min(sortedA[i], sortedB[j]);
            while (i < sortedA.Length && sortedA[i] == x)
                i++;
            while (j < sortedB.Length && sortedB[j] == x)
                j++;
            double gap = Math.Abs(i / n - j / m);
            if (gap > largest)
                largest = gap;
        }
        // Once one sample is exhausted its CDF is 1; the other's only rises towards 1, so the gap only shrinks.
        return largest;
    }

    /// <summary>
    /// P(K &gt; x) for the Kolmogorov distribution K = sup |B(t)| of a Brownian bridge.
    /// Uses 1 - sqrt(2π)/x Σ exp(-(2k-1)²π²/(8x²)) for small x, where the alternating series converges slowly,
    /// and 2 Σ (-1)^(k-1) exp(-2k²x²) otherwise.
    /// </summary>
    public static double KolmogorovSurvival(double x)
    {
        if (double.IsNaN(x))
            throw new ArgumentException("must not be NaN", nameof(x));
        if (x <= 0.0)
            return 1.0;
        if (x < 1.0)
        {
            double sum = 0.0;
            double factor = -Math.PI * Math.PI / (8.0 * x * x);
            for (int k = 1; k <= 20; k++)
            {
                double odd = 2 * k - 1;
                double term = Math.Exp(factor * odd * odd);
                sum += term;
                if (term < 1e-17 * sum)
                    break;
            }
            return Math.Clamp(1.0 - Math.Sqrt(2.0 * Math.PI) / x * sum, 0.0, 1.0);
        }
        double survival = 0.0;
        double sign = 1.0;
        for (int k = 1; k <= 100; k++)
        {
            double term = Math.Exp(-2.0 * k * k * x * x);
            survival += sign * term;
            if (term < 1e-17)
                break;
            sign = -sign;
        }
        return Math.Clamp(2.0 * survival, 0.0, 1.0);
    }

    private static void CheckAscending(ReadOnlySpan<double> values, string name)
    {
        for (int i = 1; i < values.Length; i++)
        {
            if (!(values[i] >= values[i - 1]))
                throw new ArgumentException($"element {i} is below element {i - 1}; the sample must be sorted ascending", name);
        }
    }
}
