using Pipelines.Steps.Ingest.Binance;
using static Pipelines.Steps.Tests.Ingest.Book.BookTestData;

namespace Pipelines.Steps.Tests.Ingest.Book;

public sealed class BookSideTests
{
    [Fact]
    public void Bids_are_kept_highest_first_and_asks_lowest_first_whatever_order_they_arrive_in()
    {
        var bids = new BookSide(10, isBid: true);
        var asks = new BookSide(10, isBid: false);
        foreach (var price in new[] { "5", "7", "6", "1", "9" })
        {
            bids.Set(Level(price, "1").Price, Level(price, "1").Quantity);
            asks.Set(Level(price, "1").Price, Level(price, "1").Quantity);
        }
        bids.Set(Level("7", "3").Price, Level("7", "3").Quantity);

        Assert.Equal(["9x1", "7x3", "6x1", "5x1", "1x1"], Side(bids));
        Assert.Equal(["1x1", "5x1", "6x1", "7x1", "9x1"], Side(asks));
    }

    [Fact]
    public void A_full_side_keeps_its_best_levels_and_counts_what_it_could_not_keep()
    {
        var bids = new BookSide(3, isBid: true);
        foreach (var price in new[] { "10", "9", "8" }) bids.Set(Level(price, "1").Price, Level(price, "1").Quantity);

        bids.Set(Level("7", "1").Price, Level("7", "1").Quantity);   // worse than all kept: not kept
        bids.Set(Level("11", "2").Price, Level("11", "2").Quantity); // better: pushes 8 out
        bids.Set(Level("9", "0").Price, 0);                              // removal makes room again
        bids.Set(Level("8.5", "4").Price, Level("8.5", "4").Quantity);

        Assert.Equal(["11x2", "10x1", "8.5x4"], Side(bids));
        Assert.Equal(2, bids.Truncations);
    }
}
