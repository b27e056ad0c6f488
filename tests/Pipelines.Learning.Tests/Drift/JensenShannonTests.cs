using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class JensenShannonTests
{
    [Fact]
    public void Disjoint_distributions_are_one_bit_apart()
    {
        Assert.Equal(1.0, JensenShannon.DivergenceOfDistributions([1, 0], [0, 1]), 12);
    }

    [Fact]
    public void Matches_hand_computation()
    {
        // p = (.5,.5), q = (1,0), m = (.75,.25)
        // KL(p||m) = .5 log2(.5/.75) + .5 log2(.5/.25) = -0.292481 + 0.5 = 0.207519
        // KL(q||m) = log2(1/.75) = 0.415037; JS = (0.207519 + 0.415037)/2 = 0.311278
        Assert.Equal(0.3112781245, JensenShannon.DivergenceOfDistributions([0.5, 0.5], [1, 0]), 9);
        // counts are normalised first
        Assert.Equal(0.3112781245, JensenShannon.DivergenceOfDistributions([3, 3], [7, 0]), 9);
    }

    [Fact]
    public void Samples_share_equal_width_bins_over_their_joint_range()
    {
        // joint range [0, 4], 2 bins [0,2) and [2,4]: reference {0,1,2,3} -> (.5,.5); current {4,4} -> (0,1)
        // same as p = (.5,.5), q = (0,1) above by symmetry of the bins: 0.311278
        Assert.Equal(0.3112781245, JensenShannon.Divergence([0, 1, 2, 3], [4, 4], binCount: 2), 9);
        Assert.Equal(Math.Sqrt(0.3112781245), JensenShannon.Distance([0, 1, 2, 3], [4, 4], binCount: 2), 9);
    }

    [Fact]
    public void Identical_samples_have_zero_divergence()
    {
        Assert.Equal(0.0, JensenShannon.Divergence([1, 2, 3, 4], [4, 3, 2, 1]), 12);
    }

    [Fact]
    public void Bad_weights_name_the_argument()
    {
        Assert.Equal("q",
            Assert.Throws<ArgumentException>(() => JensenShannon.DivergenceOfDistributions([1, 0], [-1, 2])).ParamName);
        Assert.Equal("p",
            Assert.Throws<ArgumentException>(() => JensenShannon.DivergenceOfDistributions([0, 0], [1, 2])).ParamName);
    }
}
