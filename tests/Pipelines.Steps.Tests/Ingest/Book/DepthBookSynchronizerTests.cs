using Pipelines.Steps.Ingest.Binance;
using static Pipelines.Steps.Tests.Ingest.Book.BookTestData;

namespace Pipelines.Steps.Tests.Ingest.Book;

public sealed class DepthBookSynchronizerTests
{
    private static readonly PriceLevel[] SnapshotBids = [Level("100.00", "1"), Level("99.99", "2"), Level("99.98", "3")];
    private static readonly PriceLevel[] SnapshotAsks = [Level("100.01", "1"), Level("100.02", "2")];

    [Fact]
    public void Events_before_the_snapshot_are_buffered_and_those_it_already_holds_are_dropped()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);

        Assert.True(sync.NeedsSnapshot);
        Assert.Equal(DepthEventOutcome.Buffered, sync.OnDepthEvent(Diff(95, 98, bids: [Level("100.00", "50")])));
        Assert.Equal(DepthEventOutcome.Buffered, sync.OnDepthEvent(Diff(99, 100, bids: [Level("99.99", "60")])));
        Assert.Equal(DepthEventOutcome.Buffered, sync.OnDepthEvent(Diff(101, 103, asks: [Level("100.01", "7")])));
        Assert.Equal(3, sync.BufferedEvents);

        Assert.Equal(SnapshotOutcome.Synchronised, sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks)));

        Assert.Equal(DepthSyncState.Synchronised, sync.State);
        Assert.True(sync.Book.IsSynchronised);
        Assert.Equal(2, sync.StaleEventsDropped);
        Assert.Equal(1, sync.AppliedEvents);
        Assert.Equal(103, sync.Book.LastUpdateId);
        // The dropped events' quantities (50 and 60) never reach the book; the applied one does.
        Assert.Equal(["100x1", "99.99x2", "99.98x3"], Side(sync.Book.Bids));
        Assert.Equal(["100.01x7", "100.02x2"], Side(sync.Book.Asks));
        Assert.Equal(0, sync.BufferedEvents);
    }

    [Fact]
    public void The_first_applied_event_may_straddle_the_snapshot_id()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnDepthEvent(Diff(98, 104, bids: [Level("99.97", "4")]));

        Assert.Equal(SnapshotOutcome.Synchronised, sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks)));

        Assert.Equal(104, sync.Book.LastUpdateId);
        Assert.Equal(["100x1", "99.99x2", "99.98x3", "99.97x4"], Side(sync.Book.Bids));
    }

    [Fact]
    public void A_snapshot_older_than_the_first_buffered_event_is_not_used_and_a_newer_one_is_asked_for()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnDepthEvent(Diff(103, 105, bids: [Level("99.97", "4")]));
        sync.OnDepthEvent(Diff(106, 106, bids: [Level("99.96", "5")]));

        // Updates 101 and 102 are in neither the snapshot nor the stream.
        Assert.Equal(SnapshotOutcome.TooOld, sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks)));
        Assert.True(sync.NeedsSnapshot);
        Assert.Equal(1, sync.SnapshotsTooOld);
        Assert.Equal(2, sync.BufferedEvents);

        Assert.Equal(SnapshotOutcome.Synchronised, sync.OnSnapshot(Snapshot(105, SnapshotBids, SnapshotAsks)));
        Assert.Equal(["100x1", "99.99x2", "99.98x3", "99.96x5"], Side(sync.Book.Bids));
        Assert.Equal(106, sync.Book.LastUpdateId);
        Assert.Equal(0, sync.Gaps);
    }

    [Fact]
    public void A_snapshot_newer_than_every_buffered_event_waits_for_the_event_that_covers_its_id()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnDepthEvent(Diff(90, 95));

        Assert.Equal(SnapshotOutcome.AwaitingFirstEvent, sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks)));
        Assert.False(sync.NeedsSnapshot);
        Assert.False(sync.Book.IsSynchronised);

        Assert.Equal(DepthEventOutcome.DroppedStale, sync.OnDepthEvent(Diff(96, 100, bids: [Level("1", "1")])));
        Assert.Equal(DepthEventOutcome.Applied, sync.OnDepthEvent(Diff(101, 102, asks: [Level("100.03", "3")])));
        Assert.Equal(DepthEventOutcome.Applied, sync.OnDepthEvent(Diff(103, 103)));

        Assert.True(sync.Book.IsSynchronised);
        Assert.Equal(2, sync.StaleEventsDropped);
        Assert.Equal(["100.01x1", "100.02x2", "100.03x3"], Side(sync.Book.Asks));
        Assert.Equal(["100x1", "99.99x2", "99.98x3"], Side(sync.Book.Bids));
    }

    [Fact]
    public void A_first_event_that_starts_beyond_the_snapshot_id_plus_one_means_the_snapshot_is_too_old()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks));

        Assert.Equal(DepthEventOutcome.SnapshotTooOld, sync.OnDepthEvent(Diff(102, 104)));

        Assert.True(sync.NeedsSnapshot);
        Assert.Equal(1, sync.SnapshotsTooOld);
        Assert.Equal(1, sync.BufferedEvents);
        Assert.Equal(SnapshotOutcome.Synchronised, sync.OnSnapshot(Snapshot(103, SnapshotBids, SnapshotAsks)));
        Assert.Equal(104, sync.Book.LastUpdateId);
    }

    [Theory]
    [InlineData("lost", new long[] { 101, 102, 104, 105 })]
    [InlineData("duplicated", new long[] { 101, 102, 102, 103 })]
    [InlineData("out of order", new long[] { 101, 102, 104, 103 })]
    public void A_lost_duplicated_or_reordered_event_is_a_gap_that_is_counted_and_resynchronised_from_a_new_snapshot(string fault, long[] ids)
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks));

        // Events keep arriving while the new snapshot is fetched; from the gap on they are buffered for it.
        var outcomes = ids.Select(id => sync.OnDepthEvent(Diff(id, id, bids: [Level("99.95", $"{id}")]))).ToArray();

        Assert.Equal([DepthEventOutcome.Applied, DepthEventOutcome.Applied, DepthEventOutcome.Gap, DepthEventOutcome.Buffered], outcomes);
        Assert.Equal(1, sync.Gaps);
        Assert.True(sync.NeedsSnapshot, fault);
        Assert.False(sync.Book.IsSynchronised);
        Assert.Equal(0, sync.Resyncs);

        Assert.Equal(SnapshotOutcome.AwaitingFirstEvent, sync.OnSnapshot(Snapshot(105, [Level("100.00", "9")], SnapshotAsks)));
        Assert.Equal(DepthEventOutcome.Applied, sync.OnDepthEvent(Diff(106, 107, bids: [Level("99.95", "106")])));

        Assert.Equal(1, sync.Resyncs);
        Assert.Equal(1, sync.Gaps);
        Assert.True(sync.Book.IsSynchronised);
        Assert.Equal(107, sync.Book.LastUpdateId);
        Assert.Equal(["100x9", "99.95x106"], Side(sync.Book.Bids));
    }

    [Fact]
    public void A_gap_among_the_buffered_events_is_found_when_the_snapshot_arrives()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnDepthEvent(Diff(99, 101));
        sync.OnDepthEvent(Diff(102, 103));
        sync.OnDepthEvent(Diff(105, 106, bids: [Level("99.90", "1")]));
        sync.OnDepthEvent(Diff(107, 107));

        Assert.Equal(SnapshotOutcome.Gap, sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks)));

        Assert.Equal(1, sync.Gaps);
        Assert.True(sync.NeedsSnapshot);
        Assert.Equal(2, sync.BufferedEvents);
        Assert.Equal(SnapshotOutcome.Synchronised, sync.OnSnapshot(Snapshot(104, SnapshotBids, SnapshotAsks)));
        Assert.Equal(107, sync.Book.LastUpdateId);
        Assert.Equal(["100x1", "99.99x2", "99.98x3", "99.9x1"], Side(sync.Book.Bids));
        Assert.Equal(0, sync.Resyncs); // the book had not been in sync before
    }

    [Fact]
    public void A_quantity_of_zero_removes_the_level_and_removing_an_absent_level_changes_nothing()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks));

        sync.OnDepthEvent(Diff(101, 101, bids: [Level("99.99", "0"), Level("42", "0.00000000")], asks: [Level("100.01", "0")]));

        Assert.Equal(["100x1", "99.98x3"], Side(sync.Book.Bids));
        Assert.Equal(["100.02x2"], Side(sync.Book.Asks));
    }

    [Fact]
    public void Snapshots_are_not_taken_while_the_book_is_in_sync()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks));
        sync.OnDepthEvent(Diff(101, 101));

        Assert.Equal(SnapshotOutcome.NotNeeded, sync.OnSnapshot(Snapshot(500, [], [])));
        Assert.Equal(3, sync.Book.Bids.Count);
        Assert.Equal(101, sync.Book.LastUpdateId);
    }

    [Theory]
    [InlineData(5, 4)]
    [InlineData(-1, 3)]
    public void An_event_whose_ids_cannot_be_right_is_rejected_and_counted_without_touching_the_book(long first, long final)
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        sync.OnSnapshot(Snapshot(3, SnapshotBids, SnapshotAsks));

        Assert.Equal(DepthEventOutcome.Rejected, sync.OnDepthEvent(Diff(first, final, bids: [Level("100.00", "0")])));

        Assert.Equal(1, sync.RejectedEvents);
        Assert.Equal(DepthSyncState.AwaitingFirstEvent, sync.State);
        Assert.Equal(3, sync.Book.Bids.Count);
    }

    [Fact]
    public void A_full_buffer_drops_its_oldest_event_and_the_next_snapshot_must_then_reach_the_oldest_kept_one()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100, bufferedEvents: 3);
        for (var id = 101; id <= 105; id++) sync.OnDepthEvent(Diff(id, id));

        Assert.Equal(3, sync.BufferedEvents);
        Assert.Equal(2, sync.BufferOverflows);
        Assert.Equal(SnapshotOutcome.TooOld, sync.OnSnapshot(Snapshot(101, SnapshotBids, SnapshotAsks)));
        Assert.Equal(SnapshotOutcome.Synchronised, sync.OnSnapshot(Snapshot(102, SnapshotBids, SnapshotAsks)));
        Assert.Equal(105, sync.Book.LastUpdateId);
    }

    [Fact]
    public void Buffered_events_are_copied_so_the_caller_may_reuse_its_buffers()
    {
        var sync = new DepthBookSynchronizer(levelsPerSide: 100);
        var reused = new[] { Level("99.50", "5") };
        sync.OnDepthEvent(Diff(101, 101, bids: reused));
        reused[0] = Level("1", "1");

        sync.OnSnapshot(Snapshot(100, SnapshotBids, SnapshotAsks));

        Assert.Equal(["100x1", "99.99x2", "99.98x3", "99.5x5"], Side(sync.Book.Bids));
    }
}
