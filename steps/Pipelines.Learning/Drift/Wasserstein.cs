using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Drift;

/// <summary>
/// First Wasserstein (earth mover's) distance between two empirical distributions with equal weight per
/// observation: the integral over x of |F_a(x) - F_b(x)|, in the units of the data.
/// </summary>
public static class Wasserstein
{
    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        InputGuard.NotEmpty(a, nameof(a));
        InputGuard.NotEmpty(b, nameof(b));
        InputGuard.Finite(a, nameof(a));
        InputGuard.Finite(b, nameof(b));
        double[] sortedA = a.ToArray();
        double[] sortedB = b.ToArray();
        Array.Sort(sortedA);
        Array.Sort(sortedB);

        double n = sortedA.Length;
        double m = sortedB.Length;
        int i = 0;
        int j = 0;
        double previous = Math.Min(sortedA[0], sortedB[0]);
        double area = 0.0;
        // Both CDFs are step functions; between consecutive distinct values their gap is constant.
        while (i < sortedA.Length || j < sortedB.Length)
        {
            double x = j >= sortedB.Length || (i < sortedA.Length && sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
            area += Math.Abs(i / n - j / m) * (x - previous);
            while (i < sortedA.Length && sortedA[i] == x)
                i++;
            while (j < sortedB.Length && sortedB[j] == x)
                j++;
            previous = x;
        }
        return area;
    }
}
