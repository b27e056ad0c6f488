using Pipelines.Learning.Monitoring;

namespace Pipelines.Learning.Tests.Monitoring;

public sealed class WilsonIntervalTests
{
    /// <summary>Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17, table II, method 3 (Wilson score, no continuity correction).</summary>
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void The_95_percent_interval_matches_Newcombes_published_examples(long successes, long trials, double lower, double upper)
    {
        var interval = WilsonInterval.Of(successes, trials, 0.95);
        Assert.Equal(lower, interval.Lower, 4);
        Assert.Equal(upper, interval.Upper, 4);
    }

    [Fact]
    public void A_higher_confidence_widens_the_interval_around_the_same_rate()
    {
        var narrow = WilsonInterval.Of(60, 100, 0.90);
        var wide = WilsonInterval.Of(60, 100, 0.99);
        Assert.True(wide.Lower < narrow.Lower && wide.Upper > narrow.Upper);
        Assert.InRange(0.6, narrow.Lower, narrow.Upper);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    public void Counts_that_are_not_a_proportion_are_refused(long successes, long trials) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => WilsonInterval.Of(successes, trials));
}
