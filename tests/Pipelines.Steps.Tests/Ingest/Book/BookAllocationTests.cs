using Pipelines.Steps.Ingest.Binance;
using static Pipelines.Steps.Tests.Ingest.Book.BookTestData;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Ingest.Book;

public sealed class BookAllocationTests
{
    [Fact]
    public void Applying_a_diff_event_to_a_synchronised_thousand_level_book_and_reading_its_features_allocates_nothing()
    {
        const int Levels = 1_000, Events = 512, Changes = 20;
        var random = new Random(5);
        var bids = Enumerable.Range(1, Levels).Select(i => new PriceLevel((100_000 - i) * 1_000_000L, random.NextInt64(1, 1_000_000))).ToArray();
        var asks = Enumerable.Range(1, Levels).Select(i => new PriceLevel((100_000 + i) * 1_000_000L, random.NextInt64(1, 1_000_000))).ToArray();
        // Realistic events: 20 changed levels near the top, a fifth of them removals, inserts where levels went missing.
        var events = new DepthDiff[Events * 4];
        for (var e = 0; e < events.Length; e++)
        {
            var changedBids = new PriceLevel[Changes / 2];
            var changedAsks = new PriceLevel[Changes / 2];
            for (var i = 0; i < Changes / 2; i++)
            {
                changedBids[i] = new PriceLevel((100_000 - random.Next(1, 200)) * 1_000_000L, random.Next(5) == 0 ? 0 : random.NextInt64(1, 1_000_000));
                changedAsks[i] = new PriceLevel((100_000 + random.Next(1, 200)) * 1_000_000L, random.Next(5) == 0 ? 0 : random.NextInt64(1, 1_000_000));
            }
            events[e] = Diff(e + 2, e + 2, changedBids, changedAsks);
        }
        var sync = new DepthBookSynchronizer(levelsPerSide: Levels + 200);
        sync.OnSnapshot(Snapshot(1, bids, asks));
        var checksum = 0.0;
        for (var e = 0; e < Events; e++)
        {
            sync.OnDepthEvent(events[e]);
            checksum += sync.Book.Features(5).OrderImbalance;
        }

        var least = AllocationCounter.LeastPerRound(round =>
        {
            for (var e = (round + 1) * Events; e < (round + 2) * Events; e++)
            {
                if (sync.OnDepthEvent(events[e]) != DepthEventOutcome.Applied) throw new InvalidOperationException("not applied");
                checksum += sync.Book.Features(5).OrderImbalance + sync.Book.Features(20).Microprice;
            }
        });

        Assert.Equal(0, least);
        Assert.False(double.IsNaN(checksum));
        Assert.Equal(Events * 4 + 1, sync.Book.LastUpdateId);
        Assert.Equal(0, sync.Book.Bids.Truncations);
    }
}
