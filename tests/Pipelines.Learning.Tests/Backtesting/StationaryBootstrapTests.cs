using Pipelines.Learning.Backtesting;

namespace Pipelines.Learning.Tests.Backtesting;

public sealed class StationaryBootstrapTests
{
    private static double Mean(double[] values) => values.Average();

    [Fact]
    public void Blocks_that_never_restart_are_rotations_of_the_series_so_the_mean_never_moves()
    {
        double[] series = Enumerable.Range(0, 50).Select(i => (double)(i * i % 17)).ToArray();

        // With a mean block far longer than the series a block virtually never ends: every resample is the series
        // read from a random start and wrapped, whose mean is the series' own.
        var interval = StationaryBootstrap.Of(series, Mean, resamples: 200, meanBlockLength: 1e12);

        Assert.Equal(series.Average(), interval.Lower, 12);
        Assert.Equal(series.Average(), interval.Upper, 12);
    }

    [Fact]
    public void With_blocks_of_one_it_is_the_iid_bootstrap_whose_interval_of_a_mean_matches_the_normal_one()
    {
        var random = new Random(3);
        var series = Enumerable.Range(0, 400).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var mean = series.Average();
        var standardError = Math.Sqrt(series.Sum(x => (x - mean) * (x - mean)) / series.Length / series.Length);

        var interval = StationaryBootstrap.Of(series, Mean, resamples: 4000, confidence: 0.95, seed: 5, meanBlockLength: 1);

        Assert.Equal(mean - 1.959964 * standardError, interval.Lower, standardError * 0.15);
        Assert.Equal(mean + 1.959964 * standardError, interval.Upper, standardError * 0.15);
    }

    [Fact]
    public void Blocks_keep_runs_together_so_a_trending_series_gets_a_wider_interval_than_the_iid_bootstrap_gives()
    {
        // Long runs of +1 and -1: neighbours agree, so independent draws understate how far a mean can wander.
        var series = Enumerable.Range(0, 300).Select(i => i / 30 % 2 == 0 ? 1.0 : -1.0).ToArray();

        var blocks = StationaryBootstrap.Of(series, Mean, resamples: 2000, seed: 9, meanBlockLength: 30);
        var independent = StationaryBootstrap.Of(series, Mean, resamples: 2000, seed: 9, meanBlockLength: 1);

        Assert.True(blocks.Upper - blocks.Lower > 2 * (independent.Upper - independent.Lower),
            $"blocks [{blocks.Lower}, {blocks.Upper}], independent [{independent.Lower}, {independent.Upper}]");
    }

    [Fact]
    public void The_default_mean_block_is_the_cube_root_of_the_length_rounded_up_and_the_seed_fixes_the_result()
    {
        var series = Enumerable.Range(0, 100).Select(i => Math.Sin(i)).ToArray();

        var first = StationaryBootstrap.Of(series, Mean, seed: 4);

        Assert.Equal(5, first.MeanBlockLength); // 100^(1/3) = 4.64
        Assert.Equal(first, StationaryBootstrap.Of(series, Mean, seed: 4));
        Assert.Throws<ArgumentException>(() => StationaryBootstrap.Of([1.0], Mean));
        Assert.Throws<ArgumentOutOfRangeException>(() => StationaryBootstrap.Of(series, Mean, resamples: 10));
    }
}
