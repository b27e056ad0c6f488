using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipelines.Steps.Tests.Support;

/// <summary>
/// A Binance look-alike on 127.0.0.1 serving deterministic klines and aggregate trades with Binance's paging rules,
/// reporting request weight, and replying with queued faults (429, 418, 500, broken bodies) when told to.
/// </summary>
public sealed class FakeBinanceServer : IAsyncDisposable
{
    public const long Origin = 1_677_628_800_000; // 2023-03-01T00:00:00Z in ms
    public const long IntervalMs = 60_000;
    public const int KlineWeight = 2;
    public const int AggTradeWeight = 4;

    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<RecordedRequest> _requests = [];
    private int _usedWeight;

    public int KlineCount { get; set; } = 2500;

    /// <summary>Indices of 1-minute bars the exchange has no data for (an outage).</summary>
    public HashSet<int> MissingKlines { get; } = [];

    public int TradeCount { get; set; } = 2500;
    public long FirstTradeId { get; set; } = 5_000;
    public long TradeSpacingMs { get; set; } = 500;

    /// <summary>Weight other clients of the same IP used; added to what this server reports.</summary>
    public int OtherWeight { get; set; }

    public ConcurrentQueue<ServerFault> Faults { get; } = new();

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    private FakeBinanceServer(WebApplication app) => _app = app;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    public static async Task<FakeBinanceServer> StartAsync()
    {
        var app = LoopbackHost.Create();
        var server = new FakeBinanceServer(app);
        app.MapGet("/api/v3/klines", server.KlinesAsync);
        app.MapGet("/api/v3/aggTrades", server.AggTradesAsync);
        await app.StartAsync();
        server.BaseUrl = LoopbackHost.Address(app);
        return server;
    }

    public static long KlineOpenTime(int index) => Origin + index * IntervalMs;

    /// <summary>The synthetic bar at an index: prices cycle through 100..106, volume through 0..4 (zero included).</summary>
    public static (double Open, double High, double Low, double Close, double Volume, long Trades) KlineValues(int index)
    {
        var open = 100.0 + index % 7;
        return (open, open + 2, open - 1, open + 0.5, index % 5, index % 11);
    }

    public long TradeTime(long id) => Origin + (id - FirstTradeId) * TradeSpacingMs;

    public static double TradePrice(long id) => 200.0 + id % 13 * 0.25;

    private Task KlinesAsync(HttpContext context)
    {
        var request = Record(context, KlineWeight);
        if (Faults.TryDequeue(out var fault) && !fault.TruncateData) return ReplyAsync(context, fault.Status, fault.Body!, fault.RetryAfterSeconds);
        var start = request.Long("startTime") ?? Origin;
        var end = request.Long("endTime") ?? long.MaxValue;
        var limit = (int)(request.Long("limit") ?? 500);
        if (limit is < 1 or > 1000) return ReplyAsync(context, 400, "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter 'limit'\"}", null);
        var body = new StringBuilder("[");
        var rows = 0;
        var first = (int)Math.Max(0, (start - Origin + IntervalMs - 1) / IntervalMs);
        for (var i = first; i < KlineCount && rows < limit && KlineOpenTime(i) <= end; i++)
        {
            if (MissingKlines.Contains(i)) continue;
            var (open, high, low, close, volume, trades) = KlineValues(i);
            if (rows++ > 0) body.Append(',');
            body.Append(CultureInfo.InvariantCulture,
                $"[{KlineOpenTime(i)},\"{open:F8}\",\"{high:F8}\",\"{low:F8}\",\"{close:F8}\",\"{volume:F8}\",{KlineOpenTime(i) + IntervalMs - 1},\"{volume * open:F8}\",{trades},\"{volume / 2:F8}\",\"{volume / 2 * open:F8}\",\"0\"]");
        }
        body.Append(']');
        return ReplyAsync(context, 200, Cut(body.ToString(), fault), null);
    }

    private Task AggTradesAsync(HttpContext context)
    {
        var request = Record(context, AggTradeWeight);
        if (Faults.TryDequeue(out var fault) && !fault.TruncateData) return ReplyAsync(context, fault.Status, fault.Body!, fault.RetryAfterSeconds);
        var limit = (int)(request.Long("limit") ?? 500);
        var fromId = request.Long("fromId");
        var start = request.Long("startTime");
        var end = request.Long("endTime");
        if (fromId is not null && (start is not null || end is not null))
            return ReplyAsync(context, 400, "{\"code\":-1128,\"msg\":\"Combination of optional parameters invalid.\"}", null);
        if (start is not null && end is not null && end - start >= 3_600_000)
            return ReplyAsync(context, 400, "{\"code\":-1127,\"msg\":\"More than 1 hours between startTime and endTime.\"}", null);
        var lastId = FirstTradeId + TradeCount - 1;
        var id = fromId ?? (start is { } s ? FirstTradeId + Math.Max(0, (s - Origin + TradeSpacingMs - 1) / TradeSpacingMs) : Math.Max(FirstTradeId, lastId - limit + 1));
        id = Math.Max(id, FirstTradeId);
        var body = new StringBuilder("[");
        for (var rows = 0; id <= lastId && rows < limit && (end is null || TradeTime(id) <= end); id++, rows++)
        {
            if (rows > 0) body.Append(',');
            body.Append(CultureInfo.InvariantCulture,
                $"{{\"a\":{id},\"p\":\"{TradePrice(id):F8}\",\"q\":\"{1 + id % 3:F8}\",\"f\":{id * 2},\"l\":{id * 2 + 1},\"T\":{TradeTime(id)},\"m\":{(id % 2 == 0 ? "true" : "false")},\"M\":true}}");
        }
        body.Append(']');
        return ReplyAsync(context, 200, Cut(body.ToString(), fault), null);
    }

    private static string Cut(string body, ServerFault? fault) => fault is { TruncateData: true } ? body[..(body.Length / 2)] : body;

    private RecordedRequest Record(HttpContext context, int weight)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        var request = new RecordedRequest(context.Request.Path, query, _clock.Elapsed);
        lock (_requests) _requests.Add(request);
        Interlocked.Add(ref _usedWeight, weight);
        return request;
    }

    private Task ReplyAsync(HttpContext context, int status, string body, int? retryAfterSeconds)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=UTF-8";
        context.Response.Headers["X-MBX-USED-WEIGHT-1M"] = (Volatile.Read(ref _usedWeight) + OtherWeight).ToString(CultureInfo.InvariantCulture);
        if (retryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
