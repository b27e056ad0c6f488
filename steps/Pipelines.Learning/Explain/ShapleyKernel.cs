namespace Pipelines.Learning.Explain;

/// <summary>
/// The Shapley kernel of Kernel SHAP (Lundberg and Lee 2017, theorem 2): the weight a coalition z ⊆ {1..M} of size
/// s = |z|, 0 &lt; s &lt; M, gets in the weighted least squares whose solution, under the efficiency constraint
/// Σφ = v(all) − v(∅), is the Shapley values:
/// <code>π(s) = (M − 1) / (C(M, s) · s · (M − s))</code>
/// The empty and the full coalition have infinite weight; the constraint takes their place. Summed over the C(M, s)
/// coalitions of one size, the weight of size s is proportional to 1 / (s (M − s)), which is the distribution sizes
/// are drawn from when coalitions are sampled.
/// </summary>
public static class ShapleyKernel
{
    /// <summary>π(s) for one coalition of <paramref name="size"/> among <paramref name="features"/> features.</summary>
    public static double Weight(int features, int size)
    {
        if (features < 2) throw new ArgumentOutOfRangeException(nameof(features), features, "the kernel needs at least two features");
        if (size <= 0 || size >= features) throw new ArgumentOutOfRangeException(nameof(size), size, "only coalitions with some but not all features have a finite weight");
        return (features - 1) / (Binomial(features, size) * size * (features - size));
    }

    /// <summary>
    /// P(|z| = s) for s = 1..M−1 when coalitions are drawn with probability proportional to π: C(M, s) π(s), normalised.
    /// Index s − 1 holds size s.
    /// </summary>
    public static double[] SizeDistribution(int features)
    {
        var sizes = new double[features - 1];
        double total = 0;
        for (var s = 1; s < features; s++) total += sizes[s - 1] = 1.0 / (s * (double)(features - s));
        for (var i = 0; i < sizes.Length; i++) sizes[i] /= total;
        return sizes;
    }

    /// <summary>C(n, k) as a double (exact for the feature counts Kernel SHAP enumerates).</summary>
    public static double Binomial(int n, int k)
    {
        if (k < 0 || k > n) return 0;
        k = Math.Min(k, n - k);
        double result = 1;
        for (var i = 1; i <= k; i++) result = result * (n - k + i) / i;
        return Math.Round(result);
    }
}
