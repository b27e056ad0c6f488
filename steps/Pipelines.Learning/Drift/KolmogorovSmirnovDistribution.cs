namespace Pipelines.Learning.Drift;

/// <summary>
/// Distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n for finite n (SciPy's
/// <c>kstwo</c>). Each region of (n, x) is evaluated the way Simard &amp; L'Ecuyer ("Computing the Two-Sided
/// Kolmogorov–Smirnov Distribution", J. Stat. Softw. 39(11), 2011) recommend:
/// <list type="bullet">
/// <item>n x ≤ 1 and n x ≥ n - 1: the closed forms of Ruben &amp; Gambino;</item>
/// <item>x ≥ 0.5, and the far tail: twice the exact one-sided (Birnbaum–Tingey) tail, the two-sided overlap
/// being zero or negligible there;</item>
/// <item>otherwise Durbin's matrix method in the scaled form of Marsaglia, Tsang &amp; Wang (2003), exact, while
/// its matrix stays small; and the Pelz–Good asymptotic series beyond that.</item>
/// </list>
/// Where Simard &amp; L'Ecuyer use Pomeranz's recursion (n ≤ 140, 0.754693 &lt; n x² ≤ 4) the Durbin matrix is
/// used instead; both are exact.
/// </summary>
public static class KolmogorovSmirnovDistribution
{
    private const int ScaleExponent = 128;
    private static readonly double ScaleUp = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double ScaleDown = Math.ScaleB(1.0, -ScaleExponent);

    /// <summary>P(D_n ≤ x).</summary>
    public static double Cdf(int n, double x) => Evaluate(n, x, upperTail: false);

    /// <summary>P(D_n &gt; x), computed directly so small tail probabilities keep their relative accuracy.</summary>
    public static double Survival(int n, double x) => Evaluate(n, x, upperTail: true);

    private static double Evaluate(int n, double x, bool upperTail)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "the sample size must be positive");
        if (double.IsNaN(x))
            throw new ArgumentException("must not be NaN", nameof(x));
        if (x >= 1.0)
            return Pick(1.0, 0.0, upperTail);
        if (x <= 0.0)
            return Pick(0.0, 1.0, upperTail);

        double t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5)
                return Pick(0.0, 1.0, upperTail);
            // Ruben–Gambino: P(D_n ≤ x) = n!/n^n (2t - 1)^n for 1/(2n) ≤ x ≤ 1/n
            double cdf = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2.0 * t - 1.0));
            return Pick(cdf, 1.0 - cdf, upperTail);
        }
        if (t >= n - 1)
        {
            double tail = 2.0 * Math.Pow(1.0 - x, n);
            return Pick(1.0 - tail, tail, upperTail);
        }
        if (x >= 0.5)
        {
            // D_n^+ ≥ x and D_n^- ≥ x cannot both happen when x ≥ 1/2
            double tail = 2.0 * OneSidedSurvival(n, x);
            return Pick(1.0 - tail, tail, upperTail);
        }

        double nxx = t * x;
        if (n <= 140)
        {
            if (nxx <= 4.0)
            {
                double cdf = DurbinCdf(n, x);
                return Pick(cdf, 1.0 - cdf, upperTail);
            }
            double tail = 2.0 * OneSidedSurvival(n, x);
            return Pick(1.0 - tail, tail, upperTail);
        }
        if (upperTail)
        {
            if (nxx >= 370.0)
                return 0.0;
            if (nxx >= 2.2)
                return Math.Clamp(2.0 * OneSidedSurvival(n, x), 0.0, 1.0);
        }
        double lower;
        if (nxx >= 18.0)
            lower = 1.0;
        else if (n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4)
            lower = DurbinCdf(n, x);
        else
            lower = PelzGoodCdf(n, x);
        return Pick(lower, 1.0 - lower, upperTail);
    }

    private static double Pick(double cdf, double survival, bool upperTail) =>
        Math.Clamp(upperTail ? survival : cdf, 0.0, 1.0);

    /// <summary>ln(n! / n^n) = sum of ln(i / n).</summary>
    private static double LogFactorialOverPower(int n)
    {
        double sum = 0.0;
        for (int i = 1; i <= n; i++)
            sum += Math.Log((double)i / n);
        return sum;
    }

    /// <summary>
    /// Exact one-sided tail P(D_n^+ ≥ x) by the Birnbaum–Tingey sum
    /// x Σ_{j=0}^{⌊n(1-x)⌋} C(n,j) (1 - x - j/n)^(n-j) (x + j/n)^(j-1), accumulated in logarithms.
    /// </summary>
    internal static double OneSidedSurvival(int n, double x)
    {
        double t = n * x;
        int last = (int)Math.Floor(n - t);
        double logX = Math.Log(x);
        double logBinomial = 0.0;
        double largest = double.NegativeInfinity;
        double scaledSum = 0.0;
        for (int j = 0; j <= last; j++)
        {
            if (j > 0)
                logBinomial += Math.Log((double)(n - j + 1) / j);
            double remaining = (n - t - j) / n;
            if (remaining <= 0.0)
                break;
            double logTerm = logBinomial + (n - j) * Math.Log(remaining) + (j - 1) * Math.Log((t + j) / n) + logX;
            if (logTerm > largest)
            {
                scaledSum = scaledSum * Math.Exp(largest - logTerm) + 1.0;
                largest = logTerm;
            }
            else
            {
                scaledSum += Math.Exp(logTerm - largest);
            }
        }
        return scaledSum == 0.0 ? 0.0 : Math.Min(1.0, Math.Exp(largest + Math.Log(scaledSum)));
    }

    /// <summary>
    /// P(D_n &lt; x) by Durbin's matrix: with x = (k - h)/n, k = ⌈n x⌉, the (k, k) entry of H^n times n!/n^n,
    /// H being the (2k-1)-square matrix of Marsaglia, Tsang &amp; Wang. Powers are rescaled by 2^128 as they grow.
    /// </summary>
    private static double DurbinCdf(int n, double x)
    {
        double nx = n * x;
        int k = (int)Math.Ceiling(nx);
        double h = k - nx;
        int m = 2 * k - 1;

        var matrix = new double[m, m];
        var inverseFactorial = new double[m + 1];
        inverseFactorial[0] = 1.0;
        for (int i = 1; i <= m; i++)
            inverseFactorial[i] = inverseFactorial[i - 1] / i;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
                matrix[i, j] = i - j + 1 >= 0 ? inverseFactorial[i - j + 1] : 0.0;
        }
        for (int i = 0; i < m; i++)
        {
            matrix[i, 0] -= Math.Pow(h, i + 1) * inverseFactorial[i + 1];
            matrix[m - 1, i] -= Math.Pow(h, m - i) * inverseFactorial[m - i];
        }
        // the corner lost h^m/m! twice above; it gains back (2h - 1)^m / m! when 2h > 1
        if (2.0 * h - 1.0 > 0.0)
            matrix[m - 1, 0] += Math.Pow(2.0 * h - 1.0, m) * inverseFactorial[m];

        var (power, exponent) = MatrixPower(matrix, n, k - 1);
        double p = power[k - 1, k - 1];
        for (int i = 1; i <= n; i++)
        {
            p = p * i / n;
            if (p < ScaleDown)
            {
                p *= ScaleUp;
                exponent -= ScaleExponent;
            }
        }
        return Math.ScaleB(p, exponent);
    }

    private static (double[,] Power, int Exponent) MatrixPower(double[,] matrix, int power, int watch)
    {
        int m = matrix.GetLength(0);
        var result = new double[m, m];
        for (int i = 0; i < m; i++)
            result[i, i] = 1.0;
        int resultExponent = 0;
        double[,] square = matrix;
        int squareExponent = 0;
        int remaining = power;
        while (remaining > 0)
        {
            if ((remaining & 1) == 1)
            {
                result = Multiply(result, square);
                resultExponent += squareExponent;
                if (result[watch, watch] > ScaleUp)
                {
                    Scale(result, ScaleDown);
                    resultExponent += ScaleExponent;
                }
            }
            remaining >>= 1;
            if (remaining == 0)
                break;
            square = Multiply(square, square);
            squareExponent *= 2;
            if (square[watch, watch] > ScaleUp)
            {
                Scale(square, ScaleDown);
                squareExponent += ScaleExponent;
            }
        }
        return (result, resultExponent);
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int m = a.GetLength(0);
        var product = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int l = 0; l < m; l++)
            {
                double ail = a[i, l];
                if (ail == 0.0)
                    continue;
                for (int j = 0; j < m; j++)
                    product[i, j] += ail * b[l, j];
            }
        }
        return product;
    }

    private static void Scale(double[,] matrix, double factor)
    {
        int m = matrix.GetLength(0);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
                matrix[i, j] *= factor;
        }
    }

    /// <summary>
    /// Pelz–Good (1976) expansion P(D_n ≤ x) ≈ K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^(3/2), z = x√n, written
    /// with theta-function sums that converge fast for small z.
    /// </summary>
    private static double PelzGoodCdf(int n, double x)
    {
        double z = Math.Sqrt(n) * x;
        double z2 = z * z;
        double z4 = z2 * z2;
        double z6 = z4 * z2;
        double pi2 = Math.PI * Math.PI;
        double pi4 = pi2 * pi2;
        double pi6 = pi4 * pi2;
        double logQ = -pi2 / (8.0 * z2);
        if (logQ < -708.0)
            return 0.0;

        double k0 = 0.0, k1 = 0.0, k2 = 0.0, k3 = 0.0;
        for (int k = 1; k <= 1000; k++)
        {
            double odd = 2 * k - 1;
            double m2 = odd * odd;
            double weight = Math.Exp(m2 * logQ);
            k0 += weight;
            k1 += (pi2 * m2 / 4.0 - z2) * weight;
            k2 += (6.0 * z6 + 2.0 * z4 + (2.0 * z4 - 5.0 * z2) * pi2 * m2 / 4.0 + pi4 * (1.0 - 2.0 * z2) * m2 * m2 / 16.0) * weight;
            k3 += (-30.0 * z6 - 90.0 * z6 * z2 + pi2 * (135.0 * z4 - 96.0 * z6) * m2 / 4.0
                   + pi4 * (-60.0 * z2 + 212.0 * z4) * m2 * m2 / 16.0 + pi6 * (5.0 - 30.0 * z2) * m2 * m2 * m2 / 64.0) * weight;
            if (weight < 1e-20 * k0)
                break;
        }
        double root2Pi = Math.Sqrt(2.0 * Math.PI);
        k0 *= root2Pi / z;
        k1 *= root2Pi / (6.0 * z4);
        k2 *= root2Pi / (72.0 * z6 * z);
        k3 *= root2Pi / (6480.0 * z6 * z4);

        double extra2 = 0.0;
        double extra3 = 0.0;
        double logR = -pi2 / (2.0 * z2);
        for (int k = 1; k <= 1000; k++)
        {
            double kk = (double)k * k;
            double weight = Math.Exp(kk * logR);
            extra2 += kk * weight;
            extra3 += (3.0 * z2 - pi2 * kk) * kk * weight;
            if (weight < 1e-300 || weight * kk * kk < 1e-20 * Math.Abs(extra3) && weight * kk < 1e-20 * extra2)
                break;
        }
        k2 -= pi2 * root2Pi / (36.0 * z2 * z) * extra2;
        k3 += pi2 * root2Pi / (216.0 * z6) * extra3;

        double rootN = Math.Sqrt(n);
        return k0 + k1 / rootN + k2 / n + k3 / (n * rootN);
    }
}
