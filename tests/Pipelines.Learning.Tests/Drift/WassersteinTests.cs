using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class WassersteinTests
{
    [Fact]
    public void Matches_scipy_documentation_example()
    {
        // scipy.stats.wasserstein_distance([0, 1, 3], [5, 6, 8]) = 5.0: every unit of mass moves 5
        Assert.Equal(5.0, Wasserstein.Distance([0, 1, 3], [5, 6, 8]), 12);
    }

    [Fact]
    public void Matches_hand_computation_with_unequal_sizes()
    {
        // a = {0, 0, 1}: F_a = 2/3 on [0,1); b = {0, 1}: F_b = 1/2 on [0,1) -> W = 1/6
        Assert.Equal(1.0 / 6.0, Wasserstein.Distance([0, 0, 1], [0, 1]), 12);
    }

    [Fact]
    public void Equals_the_sorted_matching_of_replicated_samples()
    {
        // Replicating each value of a m times and each of b n times gives two samples of size n*m with the same
        // distributions, whose W1 is the mean gap between order statistics.
        var random = new Random(8);
        for (int round = 0; round < 30; round++)
        {
            double[] a = Enumerable.Range(0, random.Next(1, 12)).Select(_ => Math.Round(random.NextDouble() * 10, 1)).ToArray();
            double[] b = Enumerable.Range(0, random.Next(1, 12)).Select(_ => Math.Round(random.NextDouble() * 10, 1)).ToArray();
            double[] ra = a.SelectMany(x => Enumerable.Repeat(x, b.Length)).Order().ToArray();
            double[] rb = b.SelectMany(x => Enumerable.Repeat(x, a.Length)).Order().ToArray();
            double expected = ra.Zip(rb, (x, y) => Math.Abs(x - y)).Average();
            Assert.Equal(expected, Wasserstein.Distance(a, b), 10);
        }
    }
}
