namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Keeps a <see cref="LocalOrderBook"/> in step with Binance's diff-depth stream the way Binance documents it, as a
/// state machine fed with events and snapshots and doing no I/O itself (the caller opens the stream, fetches
/// snapshots when <see cref="NeedsSnapshot"/> says so, and feeds both in):
/// <list type="number">
/// <item>Depth events are buffered until a snapshot (lastUpdateId L, bids, asks) is supplied.</item>
/// <item>A snapshot older than the first buffered event (L + 1 &lt; its U) is not used: a newer one is needed.</item>
/// <item>Buffered and later events with u &lt;= L are dropped; everything in them is in the snapshot.</item>
/// <item>The first event applied must satisfy U &lt;= L + 1 &lt;= u.</item>
/// <item>Each next event's U must equal the previous event's u + 1. Otherwise (a lost, duplicated or reordered event)
/// it is a gap: counted, the book marked out of sync, the event buffered and a new snapshot needed (a resync).</item>
/// <item>Each level in an event carries the new absolute quantity; 0 removes the level.</item>
/// </list>
/// While synchronised, <see cref="OnDepthEvent"/> allocates nothing.
/// </summary>
public sealed class DepthBookSynchronizer
{
    private readonly DepthEventBuffer _buffer;
    private bool _everSynchronised;

    /// <param name="levelsPerSide">Levels kept per side; Binance's snapshot returns at most 5,000.</param>
    /// <param name="bufferedEvents">Events held while a snapshot is awaited; the oldest is dropped beyond this.</param>
    public DepthBookSynchronizer(int levelsPerSide = 5_000, int bufferedEvents = 1_024)
    {
        Book = new LocalOrderBook(levelsPerSide);
        _buffer = new DepthEventBuffer(bufferedEvents);
    }

    public LocalOrderBook Book { get; }

    public DepthSyncState State { get; private set; } = DepthSyncState.AwaitingSnapshot;

    /// <summary>Whether the caller should fetch a REST snapshot and pass it to <see cref="OnSnapshot"/>.</summary>
    public bool NeedsSnapshot => State == DepthSyncState.AwaitingSnapshot;

    /// <summary>Events held for the next snapshot.</summary>
    public int BufferedEvents => _buffer.Count;

    /// <summary>Times an event's U was not the previous u + 1 (in the stream or among buffered events).</summary>
    public long Gaps { get; private set; }

    /// <summary>Times the book was brought back in sync from a new snapshot after having been in sync.</summary>
    public long Resyncs { get; private set; }

    /// <summary>Snapshots refused, or given up on, because they were older than the first event after them.</summary>
    public long SnapshotsTooOld { get; private set; }

    /// <summary>Events dropped because the snapshot already held them (u &lt;= lastUpdateId).</summary>
    public long StaleEventsDropped { get; private set; }

    /// <summary>Events refused as malformed (U &gt; u or a negative id).</summary>
    public long RejectedEvents { get; private set; }

    /// <summary>Buffered events dropped, oldest first, because the buffer was full while awaiting a snapshot.</summary>
    public long BufferOverflows => _buffer.Overflows;

    public long AppliedEvents { get; private set; }

    public DepthEventOutcome OnDepthEvent(in DepthDiff diff)
    {
        if (diff.FirstUpdateId > diff.FinalUpdateId || diff.FirstUpdateId < 0)
        {
            RejectedEvents++;
            return DepthEventOutcome.Rejected;
        }
        switch (State)
        {
            case DepthSyncState.Synchronised:
                if (diff.FirstUpdateId != Book.LastUpdateId + 1)
                {
                    Gaps++;
                    LoseSync();
                    _buffer.Add(diff);
                    return DepthEventOutcome.Gap;
                }
                Apply(diff);
                return DepthEventOutcome.Applied;

            case DepthSyncState.AwaitingFirstEvent:
                if (diff.FinalUpdateId <= Book.LastUpdateId)
                {
                    StaleEventsDropped++;
                    return DepthEventOutcome.DroppedStale;
                }
                if (diff.FirstUpdateId > Book.LastUpdateId + 1)
                {
                    SnapshotsTooOld++;
                    LoseSync();
                    _buffer.Add(diff);
                    return DepthEventOutcome.SnapshotTooOld;
                }
                Apply(diff);
                MarkSynchronised();
                return DepthEventOutcome.Applied;

            default:
                _buffer.Add(diff);
                return DepthEventOutcome.Buffered;
        }
    }

    public SnapshotOutcome OnSnapshot(in DepthSnapshot snapshot)
    {
        if (State != DepthSyncState.AwaitingSnapshot) return SnapshotOutcome.NotNeeded;
        var last = snapshot.LastUpdateId;
        if (_buffer.Count > 0 && last + 1 < _buffer[0].FirstUpdateId)
        {
            SnapshotsTooOld++;
            return SnapshotOutcome.TooOld;
        }
        var stale = 0;
        while (stale < _buffer.Count && _buffer[stale].FinalUpdateId <= last) stale++;
        _buffer.RemoveFirst(stale);
        StaleEventsDropped += stale;

        Book.Load(snapshot);
        if (_buffer.Count == 0)
        {
            State = DepthSyncState.AwaitingFirstEvent;
            return SnapshotOutcome.AwaitingFirstEvent;
        }
        // The buffer is contiguous from its first event only if nothing was lost; the first one covers last + 1,
        // because it starts at or before last + 1 (checked above, or implied by the events before it) and ends after last.
        var applied = 0;
        for (; applied < _buffer.Count; applied++)
        {
            var diff = _buffer[applied];
            var expected = Book.LastUpdateId + 1;
            var fits = applied == 0 ? diff.FirstUpdateId <= expected : diff.FirstUpdateId == expected;
            if (!fits)
            {
                Gaps++;
                _buffer.RemoveFirst(applied);
                LoseSync();
                return SnapshotOutcome.Gap;
            }
            Apply(diff);
        }
        _buffer.Clear();
        MarkSynchronised();
        return SnapshotOutcome.Synchronised;
    }

    private void Apply(in DepthDiff diff)
    {
        Book.Apply(diff);
        AppliedEvents++;
    }

    private void MarkSynchronised()
    {
        if (_everSynchronised) Resyncs++;
        _everSynchronised = true;
        State = DepthSyncState.Synchronised;
        Book.IsSynchronised = true;
    }

    private void LoseSync()
    {
        State = DepthSyncState.AwaitingSnapshot;
        Book.IsSynchronised = false;
    }
}
