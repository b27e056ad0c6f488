using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class KolmogorovSmirnovTests
{
    [Theory]
    // Published critical values of the Kolmogorov distribution: P(K > 1.2238) = 0.10, P(K > 1.3581) = 0.05,
    // P(K > 1.6276) = 0.01; P(K <= 1) = 0.7300003, P(K <= 0.5) = 0.0360548 (series sums to 200 terms).
    [InlineData(1.2238, 0.1000234278)]
    [InlineData(1.3581, 0.0499996304)]
    [InlineData(1.6276, 0.0100015373)]
    [InlineData(1.0, 0.2699996717)]
    [InlineData(0.5, 0.9639452437)]
    [InlineData(0.3, 0.9999906942)]
    public void Kolmogorov_survival_matches_published_values(double x, double expected)
    {
        Assert.Equal(expected, KolmogorovSmirnov.KolmogorovSurvival(x), 9);
    }

    [Fact]
    public void Statistic_and_p_value_match_hand_computation()
    {
        // a = {1,2,3,4}, b = {3,4,5,6,7}
        // x=1: 1/4 - 0 = .25; x=2: .5 - 0 = .5; x=3: .75 - .2 = .55; x=4: 1 - .4 = .6; then the gap shrinks
        // D = 0.6; en = 4*5/9 = 2.22, rounded to 2. For n x >= n - 1 (here 1.2 >= 1) Ruben–Gambino give
        // P(D_n >= x) = 2 (1 - x)^n = 2 * 0.4^2 = 0.32
        var result = KolmogorovSmirnov.TwoSample([1, 2, 3, 4], [3, 4, 5, 6, 7]);
        Assert.Equal(0.6, result.Statistic, 12);
        Assert.Equal(20.0 / 9.0, result.EffectiveSampleSize, 12);
        Assert.Equal(0.32, result.PValue, 12);
    }

    [Fact]
    public void P_value_matches_scipy_asymptotic_two_sample_reference()
    {
        // SciPy's test suite (TestKSTwoSamples.testLargeBoth): x = linspace(1, 200, 10000) - delta,
        // y = linspace(2, 200, 11000), delta = 1/(n1 n2 4); ks_2samp(x, y, mode='asymp') gives
        // D = 563/110000 and p = 0.9990660108966576.
        const int n1 = 10000;
        const int n2 = 11000;
        double delta = 1.0 / n1 / n2 / 2 / 2;
        var x = new double[n1];
        var y = new double[n2];
        for (int i = 0; i < n1; i++)
            x[i] = 1.0 + i * (199.0 / (n1 - 1)) - delta;
        for (int i = 0; i < n2; i++)
            y[i] = 2.0 + i * (198.0 / (n2 - 1));
        var result = KolmogorovSmirnov.TwoSample(x, y);
        Assert.Equal(563.0 / 110000.0, result.Statistic, 14);
        Assert.Equal(0.9990660108966576, result.PValue, 12);
    }

    [Fact]
    public void Statistic_equals_brute_force_over_all_sample_points_with_ties()
    {
        var random = new Random(4);
        for (int round = 0; round < 50; round++)
        {
            double[] a = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (double)random.Next(10)).ToArray();
            double[] b = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (double)random.Next(12)).ToArray();
            double brute = a.Concat(b).Max(x =>
                Math.Abs(a.Count(v => v <= x) / (double)a.Length - b.Count(v => v <= x) / (double)b.Length));
            Assert.Equal(brute, KolmogorovSmirnov.TwoSample(a, b).Statistic, 12);
        }
    }

    [Fact]
    public void Identical_samples_have_zero_statistic_and_p_value_one()
    {
        var result = KolmogorovSmirnov.TwoSample([1, 2, 2, 3], [3, 2, 1, 2]);
        Assert.Equal(0.0, result.Statistic);
        Assert.Equal(1.0, result.PValue);
    }

    [Fact]
    public void A_mean_shift_of_one_standard_deviation_is_significant_on_large_samples()
    {
        double[] reference = SampleStreams.Gaussians(1, 2000);
        double[] shifted = SampleStreams.Gaussians(2, 2000, mean: 1.0);
        double[] same = SampleStreams.Gaussians(3, 2000);
        // N(0,1) vs N(1,1): population D = 2*Phi(0.5) - 1 = 0.3829
        var drifted = KolmogorovSmirnov.TwoSample(reference, shifted);
        Assert.InRange(drifted.Statistic, 0.33, 0.43);
        Assert.True(drifted.PValue < 1e-10);
        Assert.True(KolmogorovSmirnov.TwoSample(reference, same).PValue > 0.01);
    }

    [Fact]
    public void Bad_samples_name_the_argument()
    {
        Assert.Equal("current",
            Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([1.0], [])).ParamName);
        Assert.Equal("reference",
            Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([double.NaN], [1.0])).ParamName);
    }
}
