using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Correlation;

/// <summary>
/// Pearson's product-moment correlation of paired samples x and y of length n:
/// r = Σ (x_i - x̄)(y_i - ȳ) / √(Σ (x_i - x̄)² · Σ (y_i - ȳ)²), computed in two passes (means first) so large offsets
/// do not cancel digits. NaN when n &lt; 2 or either sample is constant (the ratio has no value).
/// </summary>
public static class PearsonCorrelation
{
    public static double Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        InputGuard.SameLength(x, nameof(x), y, nameof(y));
        InputGuard.Finite(x, nameof(x));
        InputGuard.Finite(y, nameof(y));
        var n = x.Length;
        if (n < 2) return double.NaN;
        double meanX = 0, meanY = 0;
        for (var i = 0; i < n; i++)
        {
            meanX += x[i];
            meanY += y[i];
        }
        meanX /= n;
        meanY /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - meanX;
            var dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return double.NaN;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }
}
