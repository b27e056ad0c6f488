using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Pipelines.Steps.Ingest.Binance;
using Serilog;
using Serilog.Core;

namespace Pipelines.Steps.Ticks;

/// <summary>
/// Binance's live &lt;symbol&gt;@aggTrade WebSocket stream. Connects at construction; a background loop receives
/// events into a bounded queue that <see cref="ReadAsync"/> drains. A drop (close frame, including Binance's 24-hour
/// cut, socket error, or silence longer than the receive timeout) is logged and followed by a reconnect after an
/// exponential backoff with jitter; failed attempts back off further and retrying never stops until disposal.
/// Trades come out with strictly increasing ids: the overlap a reconnect brings is dropped, and a jump in ids is
/// counted as a gap and, when a REST endpoint is configured, filled from it before newer trades are passed on.
/// Malformed messages are counted, logged and skipped. One consumer reads at a time.
/// </summary>
public sealed class BinanceAggTradeStream : ITickSource
{
    /// <summary>Aggregate trade events are a few hundred bytes; anything this large is not one.</summary>
    private const int MaxMessageBytes = 1 << 20;

    private const int MessagePreviewChars = 200;

    private readonly BinanceStreamOptions _options;
    private readonly ILogger _log;
    private readonly Uri _streamUri;
    private readonly string _restSymbol;
    private readonly byte[] _symbolUtf8;
    private readonly Channel<Tick> _ticks;
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient? _http;
    private readonly BinanceMarketDataClient? _rest;
    private readonly Task _loop;
    private readonly WebSocketMessageReader _messages;
    private ClientWebSocket? _socket;
    private bool _hasEmitted;
    private long _lastEmittedId;
    private readonly JitteredBackoff _backoff;
    private volatile bool _closing;
    private int _disposed;

    public BinanceAggTradeStream(BinanceStreamOptions options, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _options = options;
        _log = log ?? Logger.None;
        _restSymbol = options.Symbol.ToUpperInvariant();
        _symbolUtf8 = Encoding.ASCII.GetBytes(_restSymbol);
        _streamUri = new Uri(options.BaseUri.AbsoluteUri.TrimEnd('/') + "/ws/" + options.Symbol.ToLowerInvariant() + "@aggTrade");
        Name = $"websocket {_restSymbol}@aggTrade {options.BaseUri.Host}";
        _messages = new WebSocketMessageReader(options.ReceiveBufferSize, MaxMessageBytes, options.ReceiveTimeout, options.Time);
        _backoff = new JitteredBackoff(options.InitialReconnectDelay, options.MaxReconnectDelay);
        _ticks = Channel.CreateBounded<Tick>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        if (options.RestBaseUri is { } rest)
        {
            _http = new HttpClient();
            _rest = new BinanceMarketDataClient(_http, new BinanceClientOptions
            {
                BaseUrl = rest,
                Time = options.Time,
                MaxRetries = 2,
                InitialBackoff = options.InitialReconnectDelay,
                MaxBackoff = options.MaxReconnectDelay,
            });
        }
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public string Name { get; }

    public TickSourceCounters Counters { get; } = new();

    public ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty) throw new ArgumentException("the tick buffer must hold at least one tick", nameof(buffer));
        if (Volatile.Read(ref _disposed) != 0) return new ValueTask<int>(0);
        var count = Drain(buffer.Span);
        return count > 0 ? new ValueTask<int>(count) : WaitAndReadAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> WaitAndReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        while (await _ticks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Volatile.Read(ref _disposed) != 0) return 0;
            var count = Drain(buffer.Span);
            if (count > 0) return count;
        }
        return 0;
    }

    private int Drain(Span<Tick> buffer)
    {
        var count = 0;
        while (count < buffer.Length && _ticks.Reader.TryRead(out buffer[count])) count++;
        return count;
    }

    private async Task RunAsync(CancellationToken stop)
    {
        Exception? failure = null;
        try
        {
            var connectedBefore = false;
            while (!_closing && !stop.IsCancellationRequested)
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
                    Volatile.Write(ref _socket, socket);
                    try
                    {
                        reason = await ReceiveUntilDropAsync(socket, stop).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested)
                    {
                        reason = e.Message;
                    }
                    finally
                    {
                        Volatile.Write(ref _socket, null);
                    }
                }
                if (_closing || stop.IsCancellationRequested) break;
                var delay = NextReconnectDelay();
                _log.Warning("{Source}: connection dropped ({Reason}); reconnecting in {Delay}", Name, reason, delay);
                await Task.Delay(delay, _options.Time, stop).ConfigureAwait(false);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Disposal cut whatever was in progress; depending on where, the socket reports that as cancellation or as an abort.
        }
        catch (Exception e)
        {
            failure = e;
            _log.Error(e, "{Source}: the receive loop failed", Name);
        }
        finally
        {
            _ticks.Writer.TryComplete(failure);
        }
    }

    private async Task<bool> TryConnectAsync(ClientWebSocket socket, CancellationToken stop)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            await socket.ConnectAsync(_streamUri, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            Counters.CountFailedConnect();
            var delay = NextReconnectDelay();
            var reason = e is OperationCanceledException ? $"no answer within {_options.ConnectTimeout}" : e.Message;
            _log.Warning("{Source}: could not connect to {Uri} ({Reason}); retrying in {Delay}", Name, _streamUri, reason, delay);
            await Task.Delay(delay, _options.Time, stop).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Receives and passes on messages until the connection drops; returns why it dropped.</summary>
    private Task<string> ReceiveUntilDropAsync(ClientWebSocket socket, CancellationToken stop) =>
        _messages.ReceiveUntilDropAsync(socket, async kind =>
        {
            switch (kind)
            {
                case WebSocketMessageKind.Oversized: Reject($"longer than {_messages.MaxBytes} bytes", ReadOnlySpan<byte>.Empty); break;
                case WebSocketMessageKind.Binary: Reject("a binary message", ReadOnlySpan<byte>.Empty); break;
                default:
                    if (!AggTradeEventJson.TryParse(_messages.Message, _symbolUtf8, out var trade, out var problem))
                        Reject(problem!, _messages.Message);
                    else
                    {
                        _backoff.Reset();
                        if (!await EmitAsync(trade, stop).ConfigureAwait(false)) return "the source is closing";
                    }
                    break;
            }
            return null;
        }, stop);

    private void Reject(string problem, ReadOnlySpan<byte> message)
    {
        Counters.CountMalformed();
        var preview = Encoding.UTF8.GetString(message[..Math.Min(message.Length, MessagePreviewChars)]);
        _log.Warning("{Source}: skipped a malformed message ({Problem}): {Message}", Name, problem, preview);
    }

    /// <summary>Passes a trade on unless it was already passed on, filling any gap before it; false once closing.</summary>
    private async ValueTask<bool> EmitAsync(AggTrade trade, CancellationToken stop)
    {
        if (_hasEmitted)
        {
            if (trade.Id <= _lastEmittedId) return true;
            if (trade.Id > _lastEmittedId + 1 && !await FillGapAsync(trade.Id, stop).ConfigureAwait(false)) return false;
        }
        return await WriteAsync(trade, stop).ConfigureAwait(false);
    }

    private async ValueTask<bool> WriteAsync(AggTrade trade, CancellationToken stop)
    {
        var tick = new Tick(trade.Id, trade.TimeMicros, trade.Price, trade.Quantity, trade.IsBuyerMaker);
        while (!_ticks.Writer.TryWrite(tick))
            if (!await _ticks.Writer.WaitToWriteAsync(stop).ConfigureAwait(false)) return false;
        _hasEmitted = true;
        _lastEmittedId = trade.Id;
        return true;
    }

    /// <summary>Passes on what REST has of the trades between the last one passed on and <paramref name="nextId"/>; false once closing.</summary>
    private async ValueTask<bool> FillGapAsync(long nextId, CancellationToken stop)
    {
        var afterId = _lastEmittedId;
        var missing = nextId - afterId - 1;
        long recovered = 0;
        if (_rest is not null)
        {
            try
            {
                var fromId = afterId + 1;
                while (fromId < nextId)
                {
                    var page = await _rest.GetAggTradesAsync(_restSymbol, fromId, null, null, BinanceMarketDataClient.MaxLimit, stop).ConfigureAwait(false);
                    var usable = 0;
                    for (var i = 0; i < page.Count && page[i].Id < nextId; i++)
                    {
                        if (page[i].Id < fromId) continue;
                        if (!await WriteAsync(page[i], stop).ConfigureAwait(false)) return false;
                        recovered++;
                        usable++;
                        fromId = page[i].Id + 1;
                    }
                    if (usable == 0 || page.Count < BinanceMarketDataClient.MaxLimit) break;
                }
            }
            catch (Exception e) when (e is BinanceApiException or BinancePayloadException or HttpRequestException)
            {
                _log.Warning("{Source}: could not backfill trades after id {AfterId}: {Reason}", Name, _lastEmittedId, e.Message);
            }
        }
        Counters.CountGap(missing - recovered);
        Counters.CountBackfilled(recovered);
        _log.Warning("{Source}: trade ids jumped from {AfterId} to {NextId}: {Recovered} of {Missing} missing trades backfilled",
            Name, afterId, nextId, recovered, missing);
        return true;
    }

    private TimeSpan NextReconnectDelay() => _backoff.Next();

    private static void Validate(BinanceStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.BaseUri);
        if (string.IsNullOrEmpty(options.Symbol) || !options.Symbol.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"the symbol '{options.Symbol}' must be letters and digits only, e.g. BTCUSDT", nameof(options));
        if (!options.BaseUri.IsAbsoluteUri || options.BaseUri.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"the stream base URI '{options.BaseUri}' must be an absolute ws:// or wss:// address", nameof(options));
        if (options.RestBaseUri is { } rest && (!rest.IsAbsoluteUri || rest.Scheme is not ("http" or "https")))
            throw new ArgumentException($"the REST base URI '{rest}' must be an absolute http:// or https:// address", nameof(options));
        Positive(options.InitialReconnectDelay, nameof(options.InitialReconnectDelay));
        Positive(options.MaxReconnectDelay, nameof(options.MaxReconnectDelay));
        Positive(options.ConnectTimeout, nameof(options.ConnectTimeout));
        Positive(options.ReceiveTimeout, nameof(options.ReceiveTimeout));
        Positive(options.CloseTimeout, nameof(options.CloseTimeout));
        if (options.MaxReconnectDelay < options.InitialReconnectDelay)
            throw new ArgumentException($"MaxReconnectDelay ({options.MaxReconnectDelay}) is below InitialReconnectDelay ({options.InitialReconnectDelay})", nameof(options));
        if (options.ReceiveBufferSize < 1)
            throw new ArgumentException($"ReceiveBufferSize must be at least 1 byte, got {options.ReceiveBufferSize}", nameof(options));
        if (options.ChannelCapacity < 1)
            throw new ArgumentException($"ChannelCapacity must be at least 1 tick, got {options.ChannelCapacity}", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Time);
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be above zero, got {value}", "options");
    }

    /// <summary>Sends a close frame and waits briefly for the server's answer, then stops the loop; pending reads return 0.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _closing = true;
        _ticks.Writer.TryComplete();
        if (Volatile.Read(ref _socket) is { State: WebSocketState.Open } socket)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.CloseTimeout, _options.Time);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", timeout.Token).ConfigureAwait(false);
                await _loop.WaitAsync(_options.CloseTimeout, _options.Time).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
            {
                _log.Debug("{Source}: the connection did not close cleanly: {Reason}", Name, e.Message);
            }
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _http?.Dispose();
    }
}
