using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Ticks;

/// <summary>
/// Binance's aggTrade WebSocket stream and aggTrades REST page on 127.0.0.1. Each accepted connection plays the next
/// scripted connection (an idle open one when none is queued). Every trade's fields follow from its id, so a test
/// knows what any id must look like.
/// </summary>
public sealed class FakeAggTradeServer : IAsyncDisposable
{
    public const long Origin = 1_735_689_600_000; // 2025-01-01T00:00:00Z in ms
    public const string Symbol = "BTCUSDT";

    private readonly WebApplication _app;
    private readonly List<string> _paths = [];
    private readonly List<long> _restFromIds = [];
    private int _connectionAttempts;

    private FakeAggTradeServer(WebApplication app) => _app = app;

    public ConcurrentQueue<ScriptedConnection> Connections { get; } = new();

    /// <summary>When set, WebSocket requests are held without an answer until the client gives up.</summary>
    public bool NeverAnswer { get; set; }

    /// <summary>When set, the REST page answers 503 as during maintenance.</summary>
    public bool RestUnavailable { get; set; }

    public Uri StreamUri { get; private set; } = new("ws://127.0.0.1/");
    public Uri RestUri { get; private set; } = new("http://127.0.0.1/");

    public int ConnectionAttempts => Volatile.Read(ref _connectionAttempts);

    /// <summary>The close status of the client's close frame on the last connection that received one.</summary>
    public WebSocketCloseStatus? ClientCloseStatus { get; private set; }

    public IReadOnlyList<string> Paths
    {
        get { lock (_paths) return _paths.ToList(); }
    }

    public IReadOnlyList<long> RestFromIds
    {
        get { lock (_restFromIds) return _restFromIds.ToList(); }
    }

    public static async Task<FakeAggTradeServer> StartAsync()
    {
        var app = LoopbackHost.Create();
        var server = new FakeAggTradeServer(app);
        app.UseWebSockets();
        app.Map("/ws/{stream}", server.StreamAsync);
        app.MapGet("/api/v3/aggTrades", server.AggTradesAsync);
        await app.StartAsync();
        var address = LoopbackHost.Address(app);
        server.RestUri = address;
        server.StreamUri = new UriBuilder(address) { Scheme = "ws" }.Uri;
        return server;
    }

    public static long TradeTimeMs(long id) => Origin + id * 100;

    public static double TradePrice(long id) => 100 + id % 7 * 0.5;

    public static double TradeQuantity(long id) => 1 + id % 3;

    public static bool TradeBuyerMaker(long id) => id % 2 == 0;

    /// <summary>The tick a trade id must become: the stream's millisecond time times 1000 is microseconds.</summary>
    public static Tick ExpectedTick(long id) => new(id, TradeTimeMs(id) * 1000, TradePrice(id), TradeQuantity(id), TradeBuyerMaker(id));

    public static string Event(long id) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"e\":\"aggTrade\",\"E\":{TradeTimeMs(id) + 3},\"s\":\"{Symbol}\",\"a\":{id},\"p\":\"{TradePrice(id):F8}\",\"q\":\"{TradeQuantity(id):F8}\",\"f\":{id * 3},\"l\":{id * 3 + 2},\"T\":{TradeTimeMs(id)},\"m\":{(TradeBuyerMaker(id) ? "true" : "false")},\"M\":true}}");

    public static IEnumerable<string> Events(long firstId, long lastId)
    {
        for (var id = firstId; id <= lastId; id++) yield return Event(id);
    }

    public void Enqueue(ConnectionEnd end, params IEnumerable<string>[] parts) =>
        Connections.Enqueue(new ScriptedConnection(parts.SelectMany(p => p).ToList(), end));

    private async Task StreamAsync(HttpContext context)
    {
        Interlocked.Increment(ref _connectionAttempts);
        lock (_paths) _paths.Add(context.Request.Path.Value ?? "");
        var aborted = context.RequestAborted;
        if (NeverAnswer)
        {
            await WaitUntilAbortedAsync(aborted);
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var script = Connections.TryDequeue(out var next) ? next : new ScriptedConnection([], ConnectionEnd.StayOpen);
        try
        {
            foreach (var message in script.Messages)
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, aborted);
            switch (script.End)
            {
                case ConnectionEnd.Abort:
                    // Ending the request without a close frame drops the TCP connection once what was sent is flushed;
                    // HttpContext.Abort would discard unsent bytes, losing messages the test expects to arrive.
                    return;
                case ConnectionEnd.Close:
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "24h", aborted);
                    await ReadUntilCloseAsync(socket, aborted);
                    return;
                case ConnectionEnd.GoSilent:
                    await WaitUntilAbortedAsync(aborted);
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

    private async Task ReadUntilCloseAsync(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, aborted);
            if (result.MessageType != WebSocketMessageType.Close) continue;
            ClientCloseStatus = result.CloseStatus;
            return;
        }
    }

    private static async Task WaitUntilAbortedAsync(CancellationToken aborted)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up.
        }
    }

    /// <summary>Binance's page by id: trades fromId, fromId + 1, ... up to the limit; this exchange has every id.</summary>
    private Task AggTradesAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["symbol"] != Symbol || !long.TryParse(query["fromId"], out var fromId) || !int.TryParse(query["limit"], out var limit) || limit is < 1 or > 1000)
        {
            context.Response.StatusCode = 400;
            return context.Response.WriteAsync("{\"code\":-1100,\"msg\":\"bad parameters\"}");
        }
        lock (_restFromIds) _restFromIds.Add(fromId);
        if (RestUnavailable)
        {
            context.Response.StatusCode = 503;
            return context.Response.WriteAsync("{\"code\":-1001,\"msg\":\"Internal error; unable to process your request. Please try again.\"}");
        }
        var body = new StringBuilder("[");
        for (var id = fromId; id < fromId + limit; id++)
        {
            if (id > fromId) body.Append(',');
            body.Append(CultureInfo.InvariantCulture,
                $"{{\"a\":{id},\"p\":\"{TradePrice(id):F8}\",\"q\":\"{TradeQuantity(id):F8}\",\"f\":{id * 3},\"l\":{id * 3 + 2},\"T\":{TradeTimeMs(id)},\"m\":{(TradeBuyerMaker(id) ? "true" : "false")},\"M\":true}}");
        }
        body.Append(']');
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
