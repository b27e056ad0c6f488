using System.Net.WebSockets;
using System.Text;
using Pipelines.Steps.Ticks;
using Serilog;
using Serilog.Core;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// A local order book kept live from Binance the way Binance documents it: one combined WebSocket stream
/// (&lt;symbol&gt;@depth@100ms, and optionally &lt;symbol&gt;@bookTicker and &lt;symbol&gt;@aggTrade) whose depth events go
/// through a <see cref="DepthBookSynchronizer"/>, and GET /api/v3/depth snapshots fetched whenever it needs one: once
/// the first event is buffered, again after a gap (U not the previous u + 1), and again at once when a snapshot turns
/// out older than the first buffered event. Everything read is handed to an <see cref="IBookStreamSink"/> in arrival
/// order, on the receive loop. A dropped or silent connection is reconnected after a jittered exponential backoff, for
/// as long as <see cref="RunAsync"/> runs; the book stays as it was and the next event shows whether anything was lost.
/// Malformed messages, gaps, resyncs and failed snapshots are counted in <see cref="Counters"/> and logged.
/// </summary>
public sealed class BinanceBookStream
{
    /// <summary>A depth event of 5,000 levels per side is about 300 KB; anything this large is not a Binance message.</summary>
    private const int MaxMessageBytes = 4 << 20;

    private const int MessagePreviewChars = 200;

    private readonly BookStreamOptions _options;
    private readonly ILogger _log;
    private readonly BinanceMarketDataClient _rest;
    private readonly string _restSymbol;
    private readonly byte[] _symbolUtf8;
    private readonly byte[] _depthStream, _tickerStream, _tradeStream;
    private readonly DepthEventJson _depthJson;
    private readonly JitteredBackoff _reconnectBackoff, _snapshotBackoff;
    private readonly WebSocketMessageReader _messages;
    private long _lastStamp;
    private long _lastDepthFinal = long.MinValue, _lastTradeId = long.MinValue;
    private DateTimeOffset _nextSnapshotAt = DateTimeOffset.MinValue;
    private long _resyncsLogged;

    /// <param name="http">Used for the snapshots; the caller owns it.</param>
    public BinanceBookStream(BookStreamOptions options, HttpClient http, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        Validate(options);
        _options = options;
        _log = log ?? Logger.None;
        _restSymbol = options.Symbol.ToUpperInvariant();
        _symbolUtf8 = Encoding.ASCII.GetBytes(_restSymbol);
        var lower = options.Symbol.ToLowerInvariant();
        _depthStream = Encoding.ASCII.GetBytes(lower + "@depth@100ms");
        _tickerStream = Encoding.ASCII.GetBytes(lower + "@bookTicker");
        _tradeStream = Encoding.ASCII.GetBytes(lower + "@aggTrade");
        var streams = new List<string> { lower + "@depth@100ms" };
        if (options.BookTicker) streams.Add(lower + "@bookTicker");
        if (options.Trades) streams.Add(lower + "@aggTrade");
        StreamUri = new Uri(options.BaseUri.AbsoluteUri.TrimEnd('/') + "/stream?streams=" + string.Join('/', streams));
        Name = $"websocket {string.Join('+', streams)} {options.BaseUri.Host}";
        _messages = new WebSocketMessageReader(options.ReceiveBufferSize, MaxMessageBytes, options.ReceiveTimeout, options.Time);
        _depthJson = new DepthEventJson(BinanceMarketDataClient.MaxDepthLimit);
        Synchronizer = new DepthBookSynchronizer(Math.Max(options.SnapshotLimit, 5_000), options.BufferedEvents);
        _reconnectBackoff = new JitteredBackoff(options.InitialReconnectDelay, options.MaxReconnectDelay, options.Jitter);
        _snapshotBackoff = new JitteredBackoff(options.InitialReconnectDelay, options.MaxReconnectDelay, options.Jitter);
        _rest = new BinanceMarketDataClient(http, new BinanceClientOptions
        {
            BaseUrl = options.RestBaseUri,
            Time = options.Time,
            MaxRetries = 2,
            InitialBackoff = options.InitialReconnectDelay,
            MaxBackoff = options.MaxReconnectDelay,
        });
    }

    public string Name { get; }

    /// <summary>The combined stream this client connects to.</summary>
    public Uri StreamUri { get; }

    public BookStreamCounters Counters { get; } = new();

    /// <summary>The synchroniser and its book; touched only by the receive loop while <see cref="RunAsync"/> runs.</summary>
    public DepthBookSynchronizer Synchronizer { get; }

    /// <summary>
    /// Connects, reads and hands everything to <paramref name="sink"/> until <paramref name="stop"/> is cancelled, then
    /// closes the connection and returns. An exception from the sink ends the run and is rethrown.
    /// </summary>
    public async Task RunAsync(IBookStreamSink sink, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var connectedBefore = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                string reason;
                using (var socket = new ClientWebSocket())
                {
                    if (!await TryConnectAsync(socket, stop).ConfigureAwait(false)) continue;
                    if (connectedBefore)
                    {
                        Counters.CountReconnect();
                        _log.Information("{Source}: reconnected", Name);
                    }
                    connectedBefore = true;
                    try
                    {
                        reason = await ReceiveUntilDropAsync(socket, sink, stop).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested && e is WebSocketException or IOException or OperationCanceledException)
                    {
                        reason = e.Message;
                    }
                    if (stop.IsCancellationRequested)
                    {
                        await CloseAsync(socket).ConfigureAwait(false);
                        break;
                    }
                }
                var delay = _reconnectBackoff.Next();
                _log.Warning("{Source}: connection dropped ({Reason}); reconnecting in {Delay}", Name, reason, delay);
                await Task.Delay(delay, _options.Time, stop).ConfigureAwait(false);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopping cut whatever was in progress; depending on where, that shows as cancellation or an aborted socket.
        }
    }

    private async Task<bool> TryConnectAsync(ClientWebSocket socket, CancellationToken stop)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            await socket.ConnectAsync(StreamUri, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            Counters.CountFailedConnect();
            var delay = _reconnectBackoff.Next();
            var reason = e is OperationCanceledException ? $"no answer within {_options.ConnectTimeout}" : e.Message;
            _log.Warning("{Source}: could not connect to {Uri} ({Reason}); retrying in {Delay}", Name, StreamUri, reason, delay);
            await Task.Delay(delay, _options.Time, stop).ConfigureAwait(false);
            return false;
        }
    }

    private async Task CloseAsync(ClientWebSocket socket)
    {
        if (socket.State != WebSocketState.Open) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _options.Time);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            _log.Debug("{Source}: the connection did not close cleanly: {Reason}", Name, e.Message);
        }
    }

    /// <summary>Receives and hands on messages until the connection drops; returns why it dropped.</summary>
    private Task<string> ReceiveUntilDropAsync(ClientWebSocket socket, IBookStreamSink sink, CancellationToken stop) =>
        _messages.ReceiveUntilDropAsync(socket, async kind =>
        {
            var received = Stamp();
            switch (kind)
            {
                case WebSocketMessageKind.Oversized: Reject($"longer than {_messages.MaxBytes} bytes", ReadOnlySpan<byte>.Empty, received, sink); break;
                case WebSocketMessageKind.Binary: Reject("a binary message", ReadOnlySpan<byte>.Empty, received, sink); break;
                default:
                    if (Dispatch(received, sink)) await SynchroniseAsync(sink, stop).ConfigureAwait(false);
                    break;
            }
            return null;
        }, stop);

    /// <summary>Reads one message and hands it on; true when it was a depth event (after which a snapshot may be due).</summary>
    private bool Dispatch(long received, IBookStreamSink sink)
    {
        var message = _messages.Message;
        if (!CombinedStreamJson.TryUnwrap(message, out var streamRange, out var dataRange, out var problem))
        {
            Reject(problem!, message, received, sink);
            return false;
        }
        var stream = message[streamRange];
        var data = message[dataRange];
        if (stream.SequenceEqual(_depthStream)) return OnDepth(data, received, sink);
        if (stream.SequenceEqual(_tickerStream) && _options.BookTicker)
        {
            if (!BookTickerJson.TryParse(data, _symbolUtf8, received, out var ticker, out problem)) Reject(problem!, message, received, sink);
            else
            {
                _reconnectBackoff.Reset();
                Counters.CountBookTicker();
                sink.OnBookTicker(ticker);
            }
            return false;
        }
        if (stream.SequenceEqual(_tradeStream) && _options.Trades)
        {
            if (!AggTradeEventJson.TryParseExact(data, _symbolUtf8, received, out var trade, out problem)) Reject(problem!, message, received, sink);
            else
            {
                _reconnectBackoff.Reset();
                if (trade.AggTradeId <= _lastTradeId) Counters.CountOutOfOrder();
                _lastTradeId = Math.Max(_lastTradeId, trade.AggTradeId);
                Counters.CountTrade();
                sink.OnTrade(trade);
            }
            return false;
        }
        Reject($"a message of stream '{Encoding.UTF8.GetString(stream)}', which was not subscribed to", message, received, sink);
        return false;
    }

    private bool OnDepth(ReadOnlySpan<byte> data, long received, IBookStreamSink sink)
    {
        if (!_depthJson.TryParse(data, _symbolUtf8, out var diff, out var problem))
        {
            Reject(problem!, data, received, sink);
            return false;
        }
        var outcome = Synchronizer.OnDepthEvent(diff);
        if (outcome == DepthEventOutcome.Rejected)
        {
            Reject($"U ({diff.FirstUpdateId}) is above u ({diff.FinalUpdateId}) or negative", data, received, sink);
            return false;
        }
        _reconnectBackoff.Reset();
        Counters.CountDepthEvent();
        if (diff.FinalUpdateId <= _lastDepthFinal) Counters.CountOutOfOrder();
        _lastDepthFinal = Math.Max(_lastDepthFinal, diff.FinalUpdateId);
        Counters.Mirror(Synchronizer);
        LogResync();
        if (outcome == DepthEventOutcome.Gap)
            _log.Warning("{Source}: depth gap: an event starts at U={First} where {Expected} was due; resynchronising from a new snapshot",
                Name, diff.FirstUpdateId, Synchronizer.Book.LastUpdateId + 1);
        else if (outcome == DepthEventOutcome.SnapshotTooOld)
            _log.Warning("{Source}: the snapshot (lastUpdateId {Last}) is older than the event starting at U={First}; fetching a newer one",
                Name, Synchronizer.Book.LastUpdateId, diff.FirstUpdateId);
        sink.OnDepth(diff, received, outcome, Synchronizer.Book);
        return true;
    }

    /// <summary>
    /// Fetches snapshots while the synchroniser needs one, up to <see cref="BookStreamOptions.SnapshotAttempts"/> in a row,
    /// waiting the backoff between failed requests (the socket holds what arrives meanwhile).
    /// </summary>
    private async Task SynchroniseAsync(IBookStreamSink sink, CancellationToken stop)
    {
        for (var attempt = 0; attempt < _options.SnapshotAttempts; attempt++)
        {
            if (!Synchronizer.NeedsSnapshot || Synchronizer.BufferedEvents == 0 || _options.Time.GetUtcNow() < _nextSnapshotAt) return;
            DepthSnapshot snapshot;
            try
            {
                snapshot = await _rest.GetDepthAsync(_restSymbol, _options.SnapshotLimit, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BinanceApiException or BinancePayloadException or HttpRequestException)
            {
                Counters.CountSnapshotFailure();
                var delay = _snapshotBackoff.Next();
                _log.Warning("{Source}: could not fetch a depth snapshot ({Reason}); events wait in the socket and the next try is in {Delay}", Name, e.Message, delay);
                if (attempt + 1 < _options.SnapshotAttempts)
                {
                    await Task.Delay(delay, _options.Time, stop).ConfigureAwait(false);
                    continue;
                }
                // Out of attempts for now: read on, buffering, and try again at the first event after the backoff.
                _nextSnapshotAt = _options.Time.GetUtcNow() + delay;
                return;
            }
            _snapshotBackoff.Reset();
            var received = Stamp();
            Counters.CountSnapshot();
            var outcome = Synchronizer.OnSnapshot(snapshot);
            Counters.Mirror(Synchronizer);
            LogResync();
            switch (outcome)
            {
                case SnapshotOutcome.TooOld:
                    _log.Warning("{Source}: snapshot lastUpdateId {Last} is older than the first buffered event; fetching a newer one", Name, snapshot.LastUpdateId);
                    break;
                case SnapshotOutcome.Gap:
                    _log.Warning("{Source}: the events buffered after snapshot {Last} are not contiguous; fetching a new one", Name, snapshot.LastUpdateId);
                    break;
                case SnapshotOutcome.Synchronised:
                    _log.Information("{Source}: book in sync from snapshot {Last}, now at update {Update}", Name, snapshot.LastUpdateId, Synchronizer.Book.LastUpdateId);
                    break;
            }
            sink.OnSnapshot(snapshot, received, outcome, Synchronizer.Book);
        }
    }

    private void LogResync()
    {
        if (Synchronizer.Resyncs == _resyncsLogged) return;
        _resyncsLogged = Synchronizer.Resyncs;
        _log.Information("{Source}: book back in sync at update {Update} (resync {Resyncs})", Name, Synchronizer.Book.LastUpdateId, _resyncsLogged);
    }

    /// <summary>Now in UTC microseconds, strictly above the last stamp, so receive times order everything this stream hands on.</summary>
    private long Stamp()
    {
        var now = EpochTime.FromDateTime(_options.Time.GetUtcNow());
        _lastStamp = Math.Max(now, _lastStamp + 1);
        return _lastStamp;
    }

    private void Reject(string problem, ReadOnlySpan<byte> message, long received, IBookStreamSink sink)
    {
        Counters.CountMalformed();
        var preview = Encoding.UTF8.GetString(message[..Math.Min(message.Length, MessagePreviewChars)]);
        _log.Warning("{Source}: skipped a malformed message ({Problem}): {Message}", Name, problem, preview);
        sink.OnMalformed(received);
    }

    private static void Validate(BookStreamOptions options)
    {
        if (string.IsNullOrEmpty(options.Symbol) || !options.Symbol.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"the symbol '{options.Symbol}' must be letters and digits only, e.g. BTCUSDT", nameof(options));
        ArgumentNullException.ThrowIfNull(options.BaseUri);
        ArgumentNullException.ThrowIfNull(options.RestBaseUri);
        if (!options.BaseUri.IsAbsoluteUri || options.BaseUri.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"the stream base URI '{options.BaseUri}' must be an absolute ws:// or wss:// address", nameof(options));
        if (!options.RestBaseUri.IsAbsoluteUri || options.RestBaseUri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"the REST base URI '{options.RestBaseUri}' must be an absolute http:// or https:// address", nameof(options));
        if (options.SnapshotLimit is < 1 or > BinanceMarketDataClient.MaxDepthLimit)
            throw new ArgumentException($"SnapshotLimit must be 1 to {BinanceMarketDataClient.MaxDepthLimit}, got {options.SnapshotLimit}", nameof(options));
        if (options.BufferedEvents < 1) throw new ArgumentException($"BufferedEvents must be at least 1, got {options.BufferedEvents}", nameof(options));
        if (options.SnapshotAttempts < 1) throw new ArgumentException($"SnapshotAttempts must be at least 1, got {options.SnapshotAttempts}", nameof(options));
        if (options.ReceiveBufferSize < 1) throw new ArgumentException($"ReceiveBufferSize must be at least 1 byte, got {options.ReceiveBufferSize}", nameof(options));
        foreach (var (value, name) in new[] { (options.ConnectTimeout, nameof(options.ConnectTimeout)), (options.ReceiveTimeout, nameof(options.ReceiveTimeout)) })
            if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be above zero, got {value}", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Time);
    }
}
