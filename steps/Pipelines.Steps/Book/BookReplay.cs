using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Book;

/// <summary>
/// Replays recorded (or synthetic) segments into a <see cref="DepthBookSynchronizer"/>: depth events by exchange
/// time and snapshots among them where they arrived (<see cref="BookReplayData.SnapshotTimes"/>), one timeline across
/// segments, so the synchroniser does exactly what it did live: buffers events until a snapshot, drops the stale ones, applies the rest, and on a
/// gap waits for the next recorded snapshot. Allocation-free per event while in sync.
/// </summary>
public sealed class BookReplay : IOrderBookFeed
{
    private readonly BookReplayData _data;
    private readonly DepthBookSynchronizer _synchronizer;
    private int _nextEvent;
    private int _nextSnapshot;

    public BookReplay(BookReplayData data, int levelsPerSide = 5_000)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        _synchronizer = new DepthBookSynchronizer(levelsPerSide);
        Name = $"book segments {data.Symbol} ({data.Segments.Count} segment(s), {data.EventCount} depth events)";
    }

    public string Name { get; }

    /// <summary>What is replayed: the segments' events, snapshots and trades.</summary>
    public BookReplayData Data => _data;

    public DepthBookSynchronizer Synchronizer => _synchronizer;

    public LocalOrderBook Book => _synchronizer.Book;

    public long Events { get; private set; }

    public long Gaps => _synchronizer.Gaps;

    /// <summary>Whether every event and snapshot has been replayed.</summary>
    public bool Ended => _nextEvent == _data.EventCount && _nextSnapshot == _data.Snapshots.Length;

    /// <summary>The time of the next event or snapshot, or <see cref="long.MaxValue"/> at the end.</summary>
    public long NextTime => Math.Min(
        _nextEvent < _data.EventCount ? _data.EventTimes[_nextEvent] : long.MaxValue,
        _nextSnapshot < _data.Snapshots.Length ? _data.SnapshotTimes[_nextSnapshot] : long.MaxValue);

    /// <summary>Replays every event and snapshot stamped at or before <paramref name="exchangeTimeMicros"/>.</summary>
    public void AdvanceTo(long exchangeTimeMicros)
    {
        while (NextTime <= exchangeTimeMicros) ReplayNext();
    }

    /// <summary>
    /// Replays the next snapshot or depth event alone (a snapshot first on a tie); false at the end. Lets a caller see
    /// the book after each of several entries that share one timestamp, e.g. a snapshot and the event right after it.
    /// </summary>
    public bool ReplayNext()
    {
        var snapshotTime = _nextSnapshot < _data.Snapshots.Length ? _data.SnapshotTimes[_nextSnapshot] : long.MaxValue;
        var eventTime = _nextEvent < _data.EventCount ? _data.EventTimes[_nextEvent] : long.MaxValue;
        if (snapshotTime == long.MaxValue && eventTime == long.MaxValue) return false;
        // On a tie the snapshot goes first unless it arrived after the event (see BookReplayData.SnapshotEventIndexes).
        // A snapshot the synchroniser does not need (it is in sync) is skipped, as the live client would not fetch it.
        if (snapshotTime < eventTime || snapshotTime == eventTime && _data.SnapshotEventIndexes[_nextSnapshot] <= _nextEvent) _synchronizer.OnSnapshot(in _data.Snapshots[_nextSnapshot++]);
        else _synchronizer.OnDepthEvent(_data.Event(_nextEvent++));
        Events++;
        return true;
    }
}
