namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Where <see cref="BinanceBookStream"/> connects, what it subscribes to and how it behaves when things fail.</summary>
public sealed record BookStreamOptions
{
    /// <summary>The market, e.g. BTCUSDT; any case (stream names are lowercase, REST takes uppercase).</summary>
    public required string Symbol { get; init; }

    /// <summary>The stream endpoint; the client connects to {BaseUri}/stream?streams=… (Binance's combined stream).</summary>
    public Uri BaseUri { get; init; } = new("wss://stream.binance.com:9443");

    /// <summary>Binance's REST API, where depth snapshots come from.</summary>
    public Uri RestBaseUri { get; init; } = new("https://api.binance.com");

    /// <summary>Levels per side asked of GET /api/v3/depth (1 to 5,000); the local book keeps at least this many.</summary>
    public int SnapshotLimit { get; init; } = 1000;

    /// <summary>Also subscribe to &lt;symbol&gt;@aggTrade.</summary>
    public bool Trades { get; init; } = true;

    /// <summary>Also subscribe to &lt;symbol&gt;@bookTicker (best bid and ask between depth events).</summary>
    public bool BookTicker { get; init; } = true;

    /// <summary>Depth events held while a snapshot is awaited; the oldest is dropped beyond this.</summary>
    public int BufferedEvents { get; init; } = 4096;

    /// <summary>
    /// Snapshot fetches tried in a row when one fails (after a backoff), turns out too old or leaves a gap (at once);
    /// then reading goes on and the first event after the backoff tries again.
    /// </summary>
    public int SnapshotAttempts { get; init; } = 3;

    /// <summary>Wait before the first reconnect (or snapshot retry) after a failure; doubled on each further failure.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection silent this long is treated as dropped; depth@100ms sends every 100 ms while the book changes.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes read from the socket at once; a larger message is assembled across reads.</summary>
    public int ReceiveBufferSize { get; init; } = 64 * 1024;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Jitter draws in [0, 1) for the backoff; random when null (a test fixes it).</summary>
    public Func<double>? Jitter { get; init; }
}
