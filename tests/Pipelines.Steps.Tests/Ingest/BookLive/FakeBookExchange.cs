using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Ticks;

namespace Pipelines.Steps.Tests.Ingest.BookLive;

/// <summary>
/// Binance's combined stream and depth snapshot on 127.0.0.1. The exchange's true history is drawn once from a seed: an
/// initial book and <see cref="EventCount"/> depth events, event k covering update ids U_k..u_k with U_k = u_(k-1) + 1.
/// Each accepted connection plays the next scripted message list; each snapshot request answers the book after the next
/// scripted event index (the latest event when the script is empty).
/// </summary>
public sealed class FakeBookExchange : IAsyncDisposable
{
    public const string Symbol = "BTCUSDT";
    public const long FirstUpdateId = 1_000;
    public const long OriginMs = 1_735_689_600_000; // 2025-01-01T00:00:00Z

    private readonly WebApplication _app;
    private readonly List<string> _paths = [];
    private readonly List<string> _snapshotQueries = [];
    private int _connectionAttempts;

    private FakeBookExchange(WebApplication app, int seed, int eventCount)
    {
        _app = app;
        var random = new Random(seed);
        var bids = new Dictionary<long, long>();
        var asks = new Dictionary<long, long>();
        for (var i = 0; i < 80; i++) Change(random, bids, asks, allowZero: false, out _, out _);
        InitialBids = new Dictionary<long, long>(bids);
        InitialAsks = new Dictionary<long, long>(asks);
        var last = FirstUpdateId;
        Books.Add((new Dictionary<long, long>(bids), new Dictionary<long, long>(asks)));
        Finals.Add(last);
        for (var k = 1; k <= eventCount; k++)
        {
            var first = last + 1;
            last += random.Next(1, 4);
            var eventBids = new List<PriceLevel>();
            var eventAsks = new List<PriceLevel>();
            for (var n = random.Next(0, 7); n > 0; n--)
            {
                var isBid = Change(random, bids, asks, allowZero: true, out var price, out var quantity);
                (isBid ? eventBids : eventAsks).Add(new PriceLevel(price, quantity));
            }
            Events.Add(new FakeDepthEvent(k, first, last, OriginMs + k * 100, eventBids, eventAsks));
            Books.Add((new Dictionary<long, long>(bids), new Dictionary<long, long>(asks)));
            Finals.Add(last);
        }
    }

    /// <summary>The book before event 1, as the oracle starts from it.</summary>
    public IReadOnlyDictionary<long, long> InitialBids { get; }
    public IReadOnlyDictionary<long, long> InitialAsks { get; }

    /// <summary>Events 1..N at indices 0..N-1.</summary>
    public List<FakeDepthEvent> Events { get; } = [];

    /// <summary>The book after event k (k = 0 before any), as the snapshot endpoint serves it.</summary>
    private List<(Dictionary<long, long> Bids, Dictionary<long, long> Asks)> Books { get; } = [];

    /// <summary>u after event k (k = 0: the snapshot's id before any event).</summary>
    public List<long> Finals { get; } = [];

    public int EventCount => Events.Count;

    public ConcurrentQueue<ScriptedConnection> Connections { get; } = new();
    public ConcurrentQueue<int> SnapshotScript { get; } = new();

    /// <summary>Snapshot requests still to be answered 503, as during maintenance.</summary>
    public int SnapshotOutages;

    public Uri StreamUri { get; private set; } = new("ws://127.0.0.1/");
    public Uri RestUri { get; private set; } = new("http://127.0.0.1/");

    public int ConnectionAttempts => Volatile.Read(ref _connectionAttempts);

    public IReadOnlyList<string> Paths
    {
        get { lock (_paths) return _paths.ToList(); }
    }

    public IReadOnlyList<string> SnapshotQueries
    {
        get { lock (_snapshotQueries) return _snapshotQueries.ToList(); }
    }

    public static async Task<FakeBookExchange> StartAsync(int seed = 17, int eventCount = 60)
    {
        var app = LoopbackHost.Create();
        var exchange = new FakeBookExchange(app, seed, eventCount);
        app.UseWebSockets();
        app.Map("/stream", exchange.StreamAsync);
        app.MapGet("/api/v3/depth", exchange.DepthAsync);
        await app.StartAsync();
        var address = LoopbackHost.Address(app);
        exchange.RestUri = address;
        exchange.StreamUri = new UriBuilder(address) { Scheme = "ws" }.Uri;
        return exchange;
    }

    /// <summary>Sets a random level: bids on 0.01 ticks below 100, asks above; a quarter of changes remove the level.</summary>
    private static bool Change(Random random, Dictionary<long, long> bids, Dictionary<long, long> asks, bool allowZero, out long price, out long quantity)
    {
        var isBid = random.Next(2) == 0;
        var ticks = random.Next(1, 120);
        price = (isBid ? 10_000 - ticks : 10_000 + ticks) * (FixedPointDecimal.Scale / 100);
        quantity = allowZero && random.Next(4) == 0 ? 0 : random.NextInt64(1, 5_000_000_000);
        var side = isBid ? bids : asks;
        if (quantity == 0) side.Remove(price);
        else side[price] = quantity;
        return isBid;
    }

    public static string Text(long units) => (units / (decimal)FixedPointDecimal.Scale).ToString("F8", CultureInfo.InvariantCulture);

    private static string Levels(IEnumerable<PriceLevel> levels) =>
        "[" + string.Join(',', levels.Select(l => $"[\"{Text(l.Price)}\",\"{Text(l.Quantity)}\"]")) + "]";

    public static string Envelope(string stream, string data) => $"{{\"stream\":\"{stream}\",\"data\":{data}}}";

    /// <summary>The depth event's data object as Binance writes it.</summary>
    public string DepthData(int k)
    {
        var e = Events[k - 1];
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"e\":\"depthUpdate\",\"E\":{e.TimeMs},\"s\":\"{Symbol}\",\"U\":{e.First},\"u\":{e.Final},\"b\":{Levels(e.Bids)},\"a\":{Levels(e.Asks)}}}");
    }

    public string Depth(int k) => Envelope("btcusdt@depth@100ms", DepthData(k));

    /// <summary>The best bid and ask after event k.</summary>
    public string Ticker(int k)
    {
        var (bids, asks) = Books[k];
        var bid = bids.MaxBy(p => p.Key);
        var ask = asks.MinBy(p => p.Key);
        return Envelope("btcusdt@bookTicker", string.Create(CultureInfo.InvariantCulture,
            $"{{\"u\":{Finals[k]},\"s\":\"{Symbol}\",\"b\":\"{Text(bid.Key)}\",\"B\":\"{Text(bid.Value)}\",\"a\":\"{Text(ask.Key)}\",\"A\":\"{Text(ask.Value)}\"}}"));
    }

    public static string Trade(long id) => Envelope("btcusdt@aggTrade", FakeAggTradeServer.Event(id));

    /// <summary>Depth events first..last, each followed by its book ticker and a trade.</summary>
    public IEnumerable<string> Stream(int first, int last)
    {
        for (var k = first; k <= last; k++)
        {
            yield return Depth(k);
            yield return Ticker(k);
            yield return Trade(k);
        }
    }

    public void Enqueue(ConnectionEnd end, params IEnumerable<string>[] parts) =>
        Connections.Enqueue(new ScriptedConnection(parts.SelectMany(p => p).ToList(), end));

    public void SnapshotsAt(params int[] events)
    {
        foreach (var k in events) SnapshotScript.Enqueue(k);
    }

    private Task DepthAsync(HttpContext context)
    {
        lock (_snapshotQueries) _snapshotQueries.Add(context.Request.QueryString.Value ?? "");
        if (context.Request.Query["symbol"] != Symbol || !int.TryParse(context.Request.Query["limit"], out var limit) || limit is < 1 or > 5000)
        {
            context.Response.StatusCode = 400;
            return context.Response.WriteAsync("{\"code\":-1100,\"msg\":\"bad parameters\"}");
        }
        if (Interlocked.Decrement(ref SnapshotOutages) >= 0)
        {
            context.Response.StatusCode = 503;
            return context.Response.WriteAsync("{\"code\":-1001,\"msg\":\"Internal error; unable to process your request. Please try again.\"}");
        }
        var k = SnapshotScript.TryDequeue(out var scripted) ? scripted : EventCount;
        var (bids, asks) = Books[k];
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{{\"lastUpdateId\":{Finals[k]},\"bids\":{Levels(bids.OrderByDescending(p => p.Key).Take(limit).Select(p => new PriceLevel(p.Key, p.Value)))}," +
            $"\"asks\":{Levels(asks.OrderBy(p => p.Key).Take(limit).Select(p => new PriceLevel(p.Key, p.Value)))}}}");
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    private async Task StreamAsync(HttpContext context)
    {
        Interlocked.Increment(ref _connectionAttempts);
        lock (_paths) _paths.Add(context.Request.Path.Value + context.Request.QueryString.Value);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }
        var aborted = context.RequestAborted;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var script = Connections.TryDequeue(out var next) ? next : new ScriptedConnection([], ConnectionEnd.StayOpen);
        try
        {
            foreach (var message in script.Messages)
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, aborted);
            switch (script.End)
            {
                case ConnectionEnd.Abort:
                    return;
                case ConnectionEnd.Close:
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "24h", aborted);
                    await ReadUntilCloseAsync(socket, aborted);
                    return;
                default:
                    await ReadUntilCloseAsync(socket, aborted);
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                    return;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away; nothing to answer.
        }
    }

    private static async Task ReadUntilCloseAsync(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[1024];
        while ((await socket.ReceiveAsync(buffer, aborted)).MessageType != WebSocketMessageType.Close)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One true depth event of the fake exchange.</summary>
public sealed record FakeDepthEvent(int Index, long First, long Final, long TimeMs, IReadOnlyList<PriceLevel> Bids, IReadOnlyList<PriceLevel> Asks);
