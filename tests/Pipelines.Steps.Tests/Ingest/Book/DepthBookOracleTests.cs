using Pipelines.Steps.Ingest.Binance;
using static Pipelines.Steps.Tests.Ingest.Book.BookTestData;

namespace Pipelines.Steps.Tests.Ingest.Book;

/// <summary>
/// A simulated exchange keeps the true book as dictionaries and remembers it after every update id; its stream is
/// delivered with faults, and snapshots are served whenever the synchroniser asks, sometimes already stale. Whenever
/// the local book says it is in sync it must equal the true book at its update id.
/// </summary>
public sealed class DepthBookOracleTests
{
    private sealed class Exchange(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Dictionary<long, long> _bids = new(), _asks = new();
        private readonly Dictionary<long, (Dictionary<long, long> Bids, Dictionary<long, long> Asks)> _history = new();

        public long LastId { get; private set; } = 1_000;

        public Exchange Start()
        {
            for (var i = 0; i < 60; i++) Change(out _);
            // Binance numbers updates from an arbitrary start; the first remembered book is the one at that id.
            Remember();
            return this;
        }

        public DepthDiff Next()
        {
            var first = LastId + 1;
            LastId += _random.Next(1, 4);
            var bids = new List<PriceLevel>();
            var asks = new List<PriceLevel>();
            for (var i = _random.Next(0, 6); i > 0; i--)
            {
                var isBid = Change(out var level);
                (isBid ? bids : asks).Add(level);
            }
            Remember();
            return new DepthDiff(first, LastId, LastId, bids.ToArray(), asks.ToArray());
        }

        /// <summary>Sets a random level on a random side; bids on ticks below 100, asks on ticks above, 0.01 apart.</summary>
        private bool Change(out PriceLevel level)
        {
            var isBid = _random.Next(2) == 0;
            var ticks = _random.Next(1, 150);
            var price = (isBid ? 10_000 - ticks : 10_000 + ticks) * (FixedPointDecimal.Scale / 100);
            var quantity = _random.Next(4) == 0 ? 0 : _random.NextInt64(1, 5_000_000_000);
            var side = isBid ? _bids : _asks;
            if (quantity == 0) side.Remove(price);
            else side[price] = quantity;
            level = new PriceLevel(price, quantity);
            return isBid;
        }

        private void Remember() => _history[LastId] = (new Dictionary<long, long>(_bids), new Dictionary<long, long>(_asks));

        public (Dictionary<long, long> Bids, Dictionary<long, long> Asks) At(long id) => _history[id];

        public DepthSnapshot SnapshotAt(long id)
        {
            var (bids, asks) = _history.Where(h => h.Key <= id).MaxBy(h => h.Key).Value;
            var last = _history.Keys.Where(k => k <= id).Max();
            return new DepthSnapshot(last,
                bids.OrderByDescending(p => p.Key).Select(p => new PriceLevel(p.Key, p.Value)).ToArray(),
                asks.OrderBy(p => p.Key).Select(p => new PriceLevel(p.Key, p.Value)).ToArray());
        }
    }

    private static void AssertEqualsTruth(Exchange exchange, LocalOrderBook book)
    {
        var (bids, asks) = exchange.At(book.LastUpdateId);
        Assert.Equal(Side(bids, bids: true), Side(book.Bids));
        Assert.Equal(Side(asks, bids: false), Side(book.Asks));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_clean_stream_keeps_the_local_book_equal_to_the_exchange_book_after_every_event_with_no_gap(int seed)
    {
        var exchange = new Exchange(seed).Start();
        var sync = new DepthBookSynchronizer(levelsPerSide: 1_000);
        var random = new Random(seed);
        var pendingSnapshotAfter = random.Next(0, 5);

        for (var i = 0; i < 2_000; i++)
        {
            var outcome = sync.OnDepthEvent(exchange.Next());
            if (sync.NeedsSnapshot && pendingSnapshotAfter-- <= 0) sync.OnSnapshot(exchange.SnapshotAt(exchange.LastId - random.Next(0, 3)));
            if (sync.Book.IsSynchronised) AssertEqualsTruth(exchange, sync.Book);
            Assert.NotEqual(DepthEventOutcome.Gap, outcome);
        }

        Assert.True(sync.Book.IsSynchronised);
        Assert.Equal(exchange.LastId, sync.Book.LastUpdateId);
        Assert.Equal(0, sync.Gaps);
        Assert.Equal(0, sync.Resyncs);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void A_faulty_stream_is_caught_at_every_fault_and_the_book_is_right_whenever_it_says_it_is_in_sync(int seed)
    {
        var exchange = new Exchange(seed).Start();
        var sync = new DepthBookSynchronizer(levelsPerSide: 1_000);
        var random = new Random(seed);
        DepthDiff? held = null;
        long faultsWhileInSync = 0, gapsSeen = 0;

        for (var i = 0; i < 3_000; i++)
        {
            var diff = exchange.Next();
            var roll = random.Next(100);
            var inSync = sync.State == DepthSyncState.Synchronised;
            if (roll < 2) { faultsWhileInSync += inSync ? 1 : 0; continue; }                      // lost
            var outcome = sync.OnDepthEvent(diff);
            gapsSeen += outcome == DepthEventOutcome.Gap ? 1 : 0;
            if (roll < 4 && sync.State == DepthSyncState.Synchronised)                            // duplicated
            {
                faultsWhileInSync++;
                Assert.Equal(DepthEventOutcome.Gap, sync.OnDepthEvent(diff));
                gapsSeen++;
            }
            else if (roll < 6 && held is null) held = exchange.Next();                            // the next one overtaken
            else if (held is { } late)
            {
                held = null;
                var lateOutcome = sync.OnDepthEvent(late);
                gapsSeen += lateOutcome == DepthEventOutcome.Gap ? 1 : 0;
            }

            if (sync.NeedsSnapshot && random.Next(3) == 0
                && sync.OnSnapshot(exchange.SnapshotAt(exchange.LastId - random.Next(0, 4))) == SnapshotOutcome.Gap)
                gapsSeen++;
            if (sync.Book.IsSynchronised) AssertEqualsTruth(exchange, sync.Book);
        }

        Assert.True(faultsWhileInSync > 10);
        Assert.Equal(gapsSeen, sync.Gaps);
        Assert.True(sync.Gaps > 10, $"{sync.Gaps} gaps for {faultsWhileInSync} faults");
        Assert.True(sync.Resyncs > 0);
        Assert.True(sync.AppliedEvents > 1_000);
    }
}
