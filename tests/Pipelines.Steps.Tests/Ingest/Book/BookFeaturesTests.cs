using Pipelines.Steps.Ingest.Binance;
using static Pipelines.Steps.Tests.Ingest.Book.BookTestData;

namespace Pipelines.Steps.Tests.Ingest.Book;

public sealed class BookFeaturesTests
{
    private static LocalOrderBook Synchronised(PriceLevel[] bids, PriceLevel[] asks, int levelsPerSide = 100)
    {
        var sync = new DepthBookSynchronizer(levelsPerSide);
        sync.OnSnapshot(Snapshot(1, bids, asks));
        sync.OnDepthEvent(Diff(2, 2));
        Assert.True(sync.Book.IsSynchronised);
        return sync.Book;
    }

    [Fact]
    public void The_features_of_a_small_book_are_the_ones_worked_out_by_hand()
    {
        var book = Synchronised(
            [Level("100", "2"), Level("99", "1"), Level("98", "50")],
            [Level("101", "1"), Level("102", "3"), Level("103", "50")]);

        var f = book.Features(2);

        Assert.Equal(100, f.BestBid);
        Assert.Equal(101, f.BestAsk);
        Assert.Equal(100.5, f.Mid);
        Assert.Equal(1 / 100.5 * 10_000, f.SpreadBps, 12);
        Assert.Equal((100 * 1 + 101 * 2) / 3.0, f.Microprice, 12); // leans to the ask: the bid queue is longer
        Assert.Equal(3, f.BidDepth);
        Assert.Equal(4, f.AskDepth);
        Assert.Equal(299, f.BidDepthQuote);
        Assert.Equal(407, f.AskDepthQuote);
        Assert.Equal(-1 / 7.0, f.OrderImbalance, 15);
        Assert.Equal(3 / 7.0, f.BidPressure, 15);
    }

    [Fact]
    public void A_book_with_an_empty_side_has_no_mid_and_a_book_with_none_has_no_ratios()
    {
        var oneSided = Synchronised([Level("100", "2")], []).Features(5);
        Assert.Equal(100, oneSided.BestBid);
        Assert.True(double.IsNaN(oneSided.BestAsk) && double.IsNaN(oneSided.Mid) && double.IsNaN(oneSided.SpreadBps) && double.IsNaN(oneSided.Microprice));
        Assert.Equal(1, oneSided.OrderImbalance);
        Assert.Equal(1, oneSided.BidPressure);

        var empty = Synchronised([], []).Features(5);
        Assert.True(double.IsNaN(empty.OrderImbalance) && double.IsNaN(empty.BidPressure));
        Assert.Equal(0, empty.BidDepth);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 20)]
    [InlineData(4, 400)]
    public void The_features_of_random_books_match_a_brute_force_recomputation_in_decimal_from_a_dictionary_book(int seed, int levels)
    {
        var random = new Random(seed);
        var sync = new DepthBookSynchronizer(levelsPerSide: 1_000);
        sync.OnSnapshot(Snapshot(0, [], []));
        var bids = new Dictionary<long, long>();
        var asks = new Dictionary<long, long>();
        for (long id = 1; id <= 500; id++)
        {
            var bidChanges = new List<PriceLevel>();
            var askChanges = new List<PriceLevel>();
            for (var i = random.Next(1, 20); i > 0; i--)
            {
                var isBid = random.Next(2) == 0;
                // Prices like 27123.45 and quantities like 0.00123456, as on BTCUSDT.
                var price = (isBid ? 2_712_345 - random.Next(0, 600) : 2_712_346 + random.Next(0, 600)) * (FixedPointDecimal.Scale / 100);
                var quantity = random.Next(5) == 0 ? 0 : random.NextInt64(1, 300_000_000);
                (isBid ? bidChanges : askChanges).Add(new PriceLevel(price, quantity));
                var side = isBid ? bids : asks;
                if (quantity == 0) side.Remove(price); else side[price] = quantity;
            }
            Assert.Equal(DepthEventOutcome.Applied, sync.OnDepthEvent(Diff(id, id, bidChanges.ToArray(), askChanges.ToArray())));

            var expected = BruteForce(bids, asks, levels);
            var actual = sync.Book.Features(levels);
            AssertClose(expected.BidDepth, actual.BidDepth, "BidDepth");
            AssertClose(expected.AskDepth, actual.AskDepth, "AskDepth");
            AssertClose(expected.BidQuote, actual.BidDepthQuote, "BidDepthQuote");
            AssertClose(expected.AskQuote, actual.AskDepthQuote, "AskDepthQuote");
            AssertClose(expected.Mid, actual.Mid, "Mid");
            AssertClose(expected.SpreadBps, actual.SpreadBps, "SpreadBps");
            AssertClose(expected.Microprice, actual.Microprice, "Microprice");
            AssertClose(expected.Imbalance, actual.OrderImbalance, "OrderImbalance");
            AssertClose(expected.Pressure, actual.BidPressure, "BidPressure");
        }
    }

    private static (decimal BidDepth, decimal AskDepth, decimal BidQuote, decimal AskQuote, decimal Mid, decimal SpreadBps, decimal Microprice, decimal Imbalance, decimal Pressure)
        BruteForce(Dictionary<long, long> bidUnits, Dictionary<long, long> askUnits, int levels)
    {
        var bids = bidUnits.Select(p => (Price: FixedPointDecimal.ToDecimal(p.Key), Quantity: FixedPointDecimal.ToDecimal(p.Value))).OrderByDescending(l => l.Price).Take(levels).ToList();
        var asks = askUnits.Select(p => (Price: FixedPointDecimal.ToDecimal(p.Key), Quantity: FixedPointDecimal.ToDecimal(p.Value))).OrderBy(l => l.Price).Take(levels).ToList();
        var b = bids.Sum(l => l.Quantity);
        var a = asks.Sum(l => l.Quantity);
        var mid = (bids[0].Price + asks[0].Price) / 2;
        return (b, a, bids.Sum(l => l.Price * l.Quantity), asks.Sum(l => l.Price * l.Quantity), mid,
            (asks[0].Price - bids[0].Price) / mid * 10_000,
            (bids[0].Price * asks[0].Quantity + asks[0].Price * bids[0].Quantity) / (bids[0].Quantity + asks[0].Quantity),
            (b - a) / (b + a), b / (b + a));
    }

    private static void AssertClose(decimal expected, double actual, string feature) =>
        Assert.True(Math.Abs((double)expected - actual) <= 1e-12 * Math.Max(1, Math.Abs((double)expected)), $"{feature}: expected {expected}, got {actual}");
}
