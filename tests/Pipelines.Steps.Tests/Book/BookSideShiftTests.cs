using Pipelines.Learning.Data;
using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Tests.Book;

/// <summary>
/// BookSide shifts the shorter part of its levels and re-centres them when an end runs out of room; whatever the order
/// of changes, it must hold what a sorted dictionary holds.
/// </summary>
public sealed class BookSideShiftTests
{
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void Changes_crowding_one_end_then_the_other_keep_the_side_equal_to_a_sorted_oracle(bool isBid, int pattern)
    {
        const int capacity = 64;
        var side = new BookSide(capacity, isBid);
        var oracle = new SortedDictionary<long, long>(isBid ? Comparer<long>.Create((a, b) => b.CompareTo(a)) : Comparer<long>.Default);
        var random = new SplitMix64((ulong)(17 + pattern));
        for (var step = 0; step < 20_000; step++)
        {
            // Phases push changes to the top, then the bottom, then anywhere, so both ends fill and re-centre.
            var phase = (step / 2_000 + pattern) % 3;
            var offset = phase switch { 0 => random.NextInt(8), 1 => 40 + random.NextInt(8), _ => random.NextInt(56) };
            var price = isBid ? 1_000 - offset : 1_000 + offset;
            var quantity = random.NextInt(3) == 0 ? 0 : 1 + random.NextInt(1_000);
            side.Set(price, quantity);
            if (quantity == 0) oracle.Remove(price);
            else oracle[price] = quantity;
            if (step % 97 == 0 || step == 19_999)
                Assert.Equal(oracle.Select(l => new PriceLevel(l.Key, l.Value)), side.Levels.ToArray());
        }
        Assert.Equal(0, side.Truncations);
        side.Clear();
        Assert.Equal(0, side.Count);
        side.Set(1_000, 5);
        Assert.Equal(new PriceLevel(1_000, 5), side[0]);
    }
}
