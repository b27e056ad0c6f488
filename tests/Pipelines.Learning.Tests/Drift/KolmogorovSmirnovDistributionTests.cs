using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class KolmogorovSmirnovDistributionTests
{
    private static readonly int[] TableSizes = [10, 50, 100, 200, 500, 1000];
    private static readonly double[] TableRatios = [1.0 / 4, 1.0 / 3, 1.0 / 2, 1, 2, 3];

    // Simard & L'Ecuyer (2011), Table 1: P(D_n <= x) at x = r * ln 2 * sqrt(pi / (2n)) (r times the mean).
    // Values as recomputed at 500-bit precision with Durbin's algorithm and published in SciPy's test suite
    // (TestKSTwo.test_simard_lecuyer_table1).
    private static readonly double[,] TableCdf =
    {
        { 1.92155292e-08, 5.72933228e-05, 2.15233226e-02, 6.31566589e-01, 9.97685592e-01, 9.99999942e-01 },
        { 2.28096224e-09, 1.99142563e-05, 1.42617934e-02, 5.95345542e-01, 9.96177701e-01, 9.99998662e-01 },
        { 1.00201886e-09, 1.32673079e-05, 1.24608594e-02, 5.86163220e-01, 9.95866877e-01, 9.99998240e-01 },
        { 4.93313022e-10, 9.52658029e-06, 1.12123138e-02, 5.79486872e-01, 9.95661824e-01, 9.99997964e-01 },
        { 2.37049293e-10, 6.85002458e-06, 1.01309221e-02, 5.73427224e-01, 9.95491207e-01, 9.99997750e-01 },
        { 1.56990874e-10, 5.71738276e-06, 9.59725430e-03, 5.70322692e-01, 9.95409545e-01, 9.99997657e-01 },
    };

    [Fact]
    public void Cdf_matches_simard_lecuyer_table_across_all_regions()
    {
        for (int a = 0; a < TableSizes.Length; a++)
        for (int b = 0; b < TableRatios.Length; b++)
        {
            int n = TableSizes[a];
            double x = TableRatios[b] * Math.Log(2) * Math.Sqrt(Math.PI / 2 / n);
            double expected = TableCdf[a, b];
            double cdf = KolmogorovSmirnovDistribution.Cdf(n, x);
            Assert.True(Math.Abs(cdf - expected) <= 1e-5 * expected, $"n={n} x={x}: {cdf} vs {expected}");
            double survival = KolmogorovSmirnovDistribution.Survival(n, x);
            Assert.True(Math.Abs(1.0 - survival - expected) <= 1e-5 * expected + 1e-12, $"n={n} x={x}: 1 - {survival} vs {expected}");
        }
    }

    [Theory]
    // Marsaglia, Tsang & Wang's exact algorithm, as published in reference tests: K(10, 0.2), K(100, 0.05)
    [InlineData(10, 0.2, 0.25128096)]
    [InlineData(100, 0.05, 0.0467840289364274)]
    public void Cdf_matches_exact_durbin_values(int n, double x, double expected)
    {
        Assert.Equal(expected, KolmogorovSmirnovDistribution.Cdf(n, x), 13);
    }

    [Fact]
    public void Cdf_follows_the_closed_forms_at_the_edges()
    {
        // P(D_n <= 1/n) = n!/n^n: n = 3 -> 6/27
        Assert.Equal(6.0 / 27.0, KolmogorovSmirnovDistribution.Cdf(3, 1.0 / 3.0), 12);
        // P(D_n <= 1/(2n)) = 0
        Assert.Equal(0.0, KolmogorovSmirnovDistribution.Cdf(10, 0.05));
        // P(D_n > 1 - 1/n) = 2 (1/n)^n: n = 10 -> 2e-10
        Assert.Equal(1.0, KolmogorovSmirnovDistribution.Survival(10, 0.9) / 2e-10, 10);
        Assert.Equal(1.0, KolmogorovSmirnovDistribution.Cdf(5, 1.0));
    }

    [Fact]
    public void Large_n_approaches_the_kolmogorov_limit()
    {
        // sqrt(n) D_n converges in law to K: at n = 100,000 the two agree to about 1e-3 of the tail
        int n = 100_000;
        double z = 1.3581;
        double finite = KolmogorovSmirnovDistribution.Survival(n, z / Math.Sqrt(n));
        Assert.Equal(KolmogorovSmirnov.KolmogorovSurvival(z), finite, 3);
        Assert.True(finite < KolmogorovSmirnov.KolmogorovSurvival(z), "finite-n tail should sit below the limit");
    }
}
