using Pipelines.Learning.Augmentation;
using Pipelines.Learning.Data;

namespace Pipelines.Learning.Tests.Augmentation;

public sealed class MovingBlockBootstrapTests
{
    [Fact]
    public void Rows_come_in_whole_consecutive_blocks_whose_starts_are_the_documented_draws()
    {
        var sample = MovingBlockBootstrap.Sample(rows: 20, blockLength: 4, count: 10, seed: 42);
        var random = new SplitMix64(42);
        var expected = new List<int>();
        while (expected.Count < 10)
        {
            var start = (int)(random.NextUniform() * 17);
            for (var i = 0; i < 4 && expected.Count < 10; i++) expected.Add(start + i);
        }
        Assert.Equal(expected, sample);
        Assert.All(sample, s => Assert.InRange(s, 0, 19));
    }

    [Fact]
    public void Every_block_start_is_drawn_about_equally_often()
    {
        var sample = MovingBlockBootstrap.Sample(rows: 10, blockLength: 3, count: 3 * 80_000, seed: 1);
        var starts = Enumerable.Range(0, 80_000).Select(b => sample[3 * b]).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(8, starts.Count);
        Assert.All(starts.Values, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(11)]
    public void A_block_length_outside_1_to_the_row_count_is_refused(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MovingBlockBootstrap.Sample(10, length, 5, 1));
}
