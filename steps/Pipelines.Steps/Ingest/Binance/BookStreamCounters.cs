namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// What a <see cref="BinanceBookStream"/> counted while it ran. Written by its receive loop and read by others for logs
/// and outputs, hence the interlocked updates.
/// </summary>
public sealed class BookStreamCounters
{
    private long _depthEvents, _bookTickers, _trades, _malformed, _gaps, _resyncs, _snapshots, _snapshotsTooOld, _snapshotFailures,
        _reconnects, _failedConnects, _outOfOrder;

    /// <summary>Well-formed depth events received.</summary>
    public long DepthEvents => Interlocked.Read(ref _depthEvents);

    public long BookTickers => Interlocked.Read(ref _bookTickers);

    public long Trades => Interlocked.Read(ref _trades);

    /// <summary>Messages that could not be read (bad JSON, wrong symbol or stream, inexact numbers, U &gt; u), skipped.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Depth events whose U was not the previous u + 1 (a lost, repeated or reordered event).</summary>
    public long Gaps => Interlocked.Read(ref _gaps);

    /// <summary>Times the book was brought back in sync from a new snapshot after having been in sync.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>REST snapshots fetched.</summary>
    public long Snapshots => Interlocked.Read(ref _snapshots);

    /// <summary>Snapshots older than the first buffered event, refetched.</summary>
    public long SnapshotsTooOld => Interlocked.Read(ref _snapshotsTooOld);

    /// <summary>Snapshot requests that failed (HTTP errors, bad bodies) and were retried later.</summary>
    public long SnapshotFailures => Interlocked.Read(ref _snapshotFailures);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long FailedConnects => Interlocked.Read(ref _failedConnects);

    /// <summary>Depth events whose u, or trades whose id, was not above the previous one's (repeated or reordered).</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    internal void CountDepthEvent() => Interlocked.Increment(ref _depthEvents);
    internal void CountBookTicker() => Interlocked.Increment(ref _bookTickers);
    internal void CountTrade() => Interlocked.Increment(ref _trades);
    internal void CountMalformed() => Interlocked.Increment(ref _malformed);
    internal void Mirror(DepthBookSynchronizer synchronizer)
    {
        Interlocked.Exchange(ref _gaps, synchronizer.Gaps);
        Interlocked.Exchange(ref _resyncs, synchronizer.Resyncs);
        Interlocked.Exchange(ref _snapshotsTooOld, synchronizer.SnapshotsTooOld);
    }
    internal void CountSnapshot() => Interlocked.Increment(ref _snapshots);
    internal void CountSnapshotFailure() => Interlocked.Increment(ref _snapshotFailures);
    internal void CountReconnect() => Interlocked.Increment(ref _reconnects);
    internal void CountFailedConnect() => Interlocked.Increment(ref _failedConnects);
    internal void CountOutOfOrder() => Interlocked.Increment(ref _outOfOrder);
}
