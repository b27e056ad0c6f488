namespace Pipelines.Steps.Ticks;

/// <summary>Where <see cref="BinanceAggTradeStream"/> connects and how it behaves when the connection fails.</summary>
public sealed record BinanceStreamOptions
{
    /// <summary>The stream endpoint; the source connects to {BaseUri}/ws/{symbol}@aggTrade.</summary>
    public Uri BaseUri { get; init; } = new("wss://stream.binance.com:9443");

    /// <summary>The market, e.g. BTCUSDT; any case (the stream path is lowercase, REST takes uppercase).</summary>
    public required string Symbol { get; init; }

    /// <summary>Wait before the first reconnect attempt after a drop; doubled on each failed attempt.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection attempt (TCP, TLS and WebSocket handshake) taking longer than this is abandoned and retried.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A connection silent for this long is treated as dropped. Binance pings every 20 s, but pings are not messages,
    /// so on a quiet market this should exceed the longest expected pause between trades.
    /// </summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long disposing waits for the server to answer the close frame before cutting the connection.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bytes read from the socket at once; a larger message is assembled across reads.</summary>
    public int ReceiveBufferSize { get; init; } = 16 * 1024;

    /// <summary>Ticks held for the consumer; when full, reading from the socket waits (and gaps are backfilled later).</summary>
    public int ChannelCapacity { get; init; } = 65_536;

    /// <summary>Binance's REST API; when set, trades missing from the stream are fetched by id and passed on in order.</summary>
    public Uri? RestBaseUri { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
