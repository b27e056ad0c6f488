namespace Pipelines.Steps.Ticks;

/// <summary>
/// Events a tick source counts while it runs. Written by the source's reader (possibly on another thread) and read
/// by the consumer for logs and outputs, hence the interlocked updates.
/// </summary>
public sealed class TickSourceCounters
{
    private long _reconnects;
    private long _gaps;
    private long _missingTrades;
    private long _malformedMessages;
    private long _failedConnects;
    private long _backfilledTrades;

    /// <summary>Connections re-established after a drop.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Places where the trade ids jumped by more than one.</summary>
    public long Gaps => Interlocked.Read(ref _gaps);

    /// <summary>Trades skipped over by those gaps (and not recovered).</summary>
    public long MissingTrades => Interlocked.Read(ref _missingTrades);

    /// <summary>Messages or lines that could not be read as a trade.</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformedMessages);

    /// <summary>Connection attempts that failed (refused, timed out, rejected handshake) before any message arrived.</summary>
    public long FailedConnects => Interlocked.Read(ref _failedConnects);

    /// <summary>Trades inside gaps that were fetched by other means and passed on in order.</summary>
    public long BackfilledTrades => Interlocked.Read(ref _backfilledTrades);

    public void CountReconnect() => Interlocked.Increment(ref _reconnects);

    public void CountGap(long missingTrades)
    {
        Interlocked.Increment(ref _gaps);
        Interlocked.Add(ref _missingTrades, missingTrades);
    }

    public void CountMalformed() => Interlocked.Increment(ref _malformedMessages);

    public void CountFailedConnect() => Interlocked.Increment(ref _failedConnects);

    public void CountBackfilled(long trades) => Interlocked.Add(ref _backfilledTrades, trades);
}
