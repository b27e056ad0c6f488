using Pipelines.Learning.Tuning;

namespace Pipelines.Learning.Monitoring;

/// <summary>
/// Wilson score interval for a binomial proportion: with k successes in n trials, p̂ = k/n and z the standard normal
/// quantile of 1 - (1 - confidence)/2, the bounds are
/// (p̂ + z²/(2n) ∓ z·sqrt(p̂(1 - p̂)/n + z²/(4n²))) / (1 + z²/n).
/// <para>Unlike the normal (Wald) interval it stays inside [0, 1] and does not collapse to a point at k = 0 or k = n,
/// which matters for the small windows a monitor sees.</para>
/// </summary>
public readonly record struct WilsonInterval(double Lower, double Upper)
{
    public static WilsonInterval Of(long successes, long trials, double confidence = 0.95)
    {
        if (trials <= 0) throw new ArgumentOutOfRangeException(nameof(trials), trials, "at least one trial is needed");
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"must lie in [0, {trials}]");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must lie in (0, 1)");
        double z = StandardNormal.Quantile(1 - (1 - confidence) / 2);
        double n = trials;
        double p = successes / n;
        double z2 = z * z;
        double centre = p + z2 / (2 * n);
        double spread = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        double scale = 1 + z2 / n;
        return new WilsonInterval(Math.Max(0, (centre - spread) / scale), Math.Min(1, (centre + spread) / scale));
    }
}
