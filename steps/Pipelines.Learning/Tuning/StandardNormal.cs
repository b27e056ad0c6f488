namespace Pipelines.Learning.Tuning;

/// <summary>Standard normal CDF and quantile, accurate enough to rank candidate points.</summary>
internal static class StandardNormal
{
    /// <summary>Φ(z) through the complementary error function; fractional error below 1.2e-7.</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2.0));

    public static double LogPdf(double z) => -0.5 * z * z - 0.5 * Math.Log(2.0 * Math.PI);

    /// <summary>
    /// Chebyshev-fitted erfc (Press et al., Numerical Recipes, 2nd ed., §6.2): relative error below 1.2e-7 for
    /// every argument, so far tails keep their relative accuracy.
    /// </summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double value = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0.0 ? value : 2.0 - value;
    }

    /// <summary>Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9), p in (0, 1).</summary>
    public static double Quantile(double p)
    {
        const double low = 0.02425;
        if (p <= 0.0)
            return double.NegativeInfinity;
        if (p >= 1.0)
            return double.PositiveInfinity;
        if (p < low)
        {
            double q = Math.Sqrt(-2.0 * Math.Log(p));
            return Tail(q);
        }
        if (p > 1.0 - low)
        {
            double q = Math.Sqrt(-2.0 * Math.Log(1.0 - p));
            return -Tail(q);
        }
        double r = p - 0.5;
        double s = r * r;
        return (((((-3.969683028665376e+01 * s + 2.209460984245205e+02) * s - 2.759285104469687e+02) * s
                   + 1.383577518672690e+02) * s - 3.066479806614716e+01) * s + 2.506628277459239e+00) * r
               / (((((-5.447609879822406e+01 * s + 1.615858368580409e+02) * s - 1.556989798598866e+02) * s
                    + 6.680131188771972e+01) * s - 1.328068155288572e+01) * s + 1.0);
    }

    private static double Tail(double q) =>
        (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
            - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
        / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
            + 3.754408661907416e+00) * q + 1.0);
}
