namespace Pipelines.Learning.Metrics;

/// <summary>
/// Paired bootstrap for "is B better than A on the same cases": resample the per-case differences
/// d = loss(A) - loss(B) with replacement and look at the distribution of their mean (Efron and Tibshirani,
/// 1993). Pairing removes the variance the two models share, so small real gains are detectable.
/// </summary>
public static class PairedBootstrap
{
    /// <param name="differences">Per-case loss(A) - loss(B); positive means B did better on that case.</param>
    /// <param name="margin">The improvement B must exceed.</param>
    /// <param name="resamples">Bootstrap resamples.</param>
    /// <param name="confidence">Confidence of the one-sided lower bound, e.g. 0.95.</param>
    /// <param name="seed">Seed of the resampling, for reproducible decisions.</param>
    public static PairedBootstrapResult Test(ReadOnlySpan<double> differences, double margin = 0, int resamples = 2000, double confidence = 0.95, int seed = 1)
    {
        if (differences.Length == 0) throw new ArgumentException("needs at least one paired case", nameof(differences));
        if (resamples < 100) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "use at least 100 resamples");
        if (confidence is <= 0.5 or >= 1) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0.5, 1)");
        foreach (var d in differences)
            if (!double.IsFinite(d)) throw new ArgumentException("differences must be finite", nameof(differences));

        var n = differences.Length;
        double observed = 0;
        foreach (var d in differences) observed += d;
        observed /= n;

        var random = new Random(seed);
        var means = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++) sum += differences[random.Next(n)];
            means[b] = sum / n;
        }
        Array.Sort(means);
        var atOrBelow = 0;
        foreach (var m in means) if (m <= margin) atOrBelow++;
        var lower = means[(int)Math.Floor((1 - confidence) * resamples)];
        // The p-value of "B is not better than A by the margin": resamples whose mean improvement fails the margin.
        return new PairedBootstrapResult(observed, lower, (double)atOrBelow / resamples, n);
    }
}
