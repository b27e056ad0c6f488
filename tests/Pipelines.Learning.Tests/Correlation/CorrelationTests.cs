using Pipelines.Learning.Correlation;

namespace Pipelines.Learning.Tests.Correlation;

public sealed class CorrelationTests
{
    [Fact]
    public void Pearson_of_each_Anscombe_set_is_the_published_0_816()
    {
        // Anscombe (1973), "Graphs in Statistical Analysis": the four sets share r = 0.816 (0.81642 to five places).
        double[] x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
        double[] y1 = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];
        double[] y2 = [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74];
        double[] y3 = [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73];
        double[] x4 = [8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8];
        double[] y4 = [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89];

        Assert.Equal(0.81642, PearsonCorrelation.Compute(x, y1), 0.00001);
        Assert.Equal(0.81624, PearsonCorrelation.Compute(x, y2), 0.00001);
        Assert.Equal(0.81629, PearsonCorrelation.Compute(x, y3), 0.00001);
        Assert.Equal(0.81652, PearsonCorrelation.Compute(x4, y4), 0.00001);
    }

    [Fact]
    public void Spearman_of_the_IQ_and_television_example_is_the_published_minus_29_over_165()
    {
        // The worked example of Spearman's rho on Wikipedia: ten people's IQ and weekly hours of television, no ties.
        double[] iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
        double[] tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];

        Assert.Equal(-29.0 / 165, SpearmanCorrelation.Compute(iq, tv), 12);
    }

    [Fact]
    public void Spearman_with_ties_is_pearson_of_mean_ranks_counted_by_brute_force()
    {
        var random = new Random(4);
        var x = Enumerable.Range(0, 200).Select(_ => (double)random.Next(10)).ToArray();
        var y = x.Select(v => v * v + random.Next(5)).ToArray();

        // Mean rank by counting: 1 + (values below) + (other values equal) / 2.
        double[] Ranks(double[] v) => v.Select(a => 1 + v.Count(b => b < a) + (v.Count(b => b == a) - 1) / 2.0).ToArray();
        double Pearson(double[] a, double[] b)
        {
            double ma = a.Average(), mb = b.Average();
            return a.Zip(b, (p, q) => (p - ma) * (q - mb)).Sum() / Math.Sqrt(a.Sum(p => (p - ma) * (p - ma)) * b.Sum(q => (q - mb) * (q - mb)));
        }

        Assert.Equal(Ranks(x), SpearmanCorrelation.Ranks(x));
        Assert.Equal(Pearson(Ranks(x), Ranks(y)), SpearmanCorrelation.Compute(x, y), 12);
    }

    [Fact]
    public void A_constant_sample_or_a_single_pair_has_no_correlation()
    {
        Assert.True(double.IsNaN(PearsonCorrelation.Compute([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(SpearmanCorrelation.Compute([4], [2])));
        Assert.Equal(1, SpearmanCorrelation.Compute([1, 2, 3, 4], [1, 8, 27, 64]), 12);
        Assert.Throws<ArgumentException>(() => PearsonCorrelation.Compute([1, 2], [1]));
    }
}
