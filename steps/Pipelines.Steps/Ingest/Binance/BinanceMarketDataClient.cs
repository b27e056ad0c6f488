using System.Globalization;
using System.Net;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Binance's public spot market data over REST: klines, aggregate trades and order book snapshots, one page at a time or a whole time
/// range. Keeps under the per-minute request weight the server reports, waits out 429/418 as told by Retry-After
/// and retries server errors with exponential backoff. The caller owns the <see cref="HttpClient"/>.
/// </summary>
public sealed class BinanceMarketDataClient(HttpClient http, BinanceClientOptions options)
{
    public const int MaxLimit = 1000;
    public const string UsedWeightHeader = "X-MBX-USED-WEIGHT-1M";

    /// <summary>Binance refuses aggTrades windows (startTime..endTime) of an hour or more.</summary>
    private const long AggTradeWindowMillis = 3_600_000 - 1;

    private DateTimeOffset _resumeAt = DateTimeOffset.MinValue;

    /// <summary>Weight used in the current minute as last reported by the server.</summary>
    public int LastUsedWeight { get; private set; }

    /// <summary>One page of klines opening in [startTimeMs, endTimeMs] (both inclusive, epoch milliseconds).</summary>
    public async Task<IReadOnlyList<Kline>> GetKlinesAsync(
        string symbol, string interval, long startTimeMs, long endTimeMs, int limit, CancellationToken cancellationToken)
    {
        CheckLimit(limit);
        var endpoint = $"/api/v3/klines?symbol={Uri.EscapeDataString(symbol)}&interval={Uri.EscapeDataString(interval)}" +
            $"&startTime={Invariant(startTimeMs)}&endTime={Invariant(endTimeMs)}&limit={Invariant(limit)}";
        var body = await SendAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return BinanceJson.ParseKlines(body, endpoint);
    }

    /// <summary>One page of aggregate trades, from an id (inclusive) or within a time window shorter than an hour.</summary>
    public async Task<IReadOnlyList<AggTrade>> GetAggTradesAsync(
        string symbol, long? fromId, long? startTimeMs, long? endTimeMs, int limit, CancellationToken cancellationToken)
    {
        CheckLimit(limit);
        var endpoint = $"/api/v3/aggTrades?symbol={Uri.EscapeDataString(symbol)}";
        if (fromId is { } id) endpoint += $"&fromId={Invariant(id)}";
        if (startTimeMs is { } start) endpoint += $"&startTime={Invariant(start)}";
        if (endTimeMs is { } end) endpoint += $"&endTime={Invariant(end)}";
        endpoint += $"&limit={Invariant(limit)}";
        var body = await SendAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return BinanceJson.ParseAggTrades(body, endpoint);
    }

    /// <summary>Binance's depth snapshot holds at most this many levels per side.</summary>
    public const int MaxDepthLimit = 5000;

    /// <summary>
    /// The order book snapshot (GET /api/v3/depth): the best <paramref name="limit"/> levels per side (1 to 5,000) as of
    /// its lastUpdateId, prices and quantities exact. Request weight grows with the limit (5 up to 100, 250 at 5,000).
    /// </summary>
    public async Task<DepthSnapshot> GetDepthAsync(string symbol, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxDepthLimit)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"Binance's depth snapshot holds 1 to {MaxDepthLimit} levels per side");
        var endpoint = $"/api/v3/depth?symbol={Uri.EscapeDataString(symbol)}&limit={Invariant(limit)}";
        var body = await SendAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return DepthSnapshotJson.Parse(body, endpoint);
    }

    /// <summary>All klines opening in [start, end), paging forward by open time.</summary>
    public async Task<List<Kline>> DownloadKlinesAsync(
        string symbol, string interval, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var (startMs, lastMs) = Range(start, end);
        var rows = new List<Kline>();
        var cursor = startMs;
        while (cursor <= lastMs)
        {
            var page = await GetKlinesAsync(symbol, interval, cursor, lastMs, MaxLimit, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0) break;
            var pageLastMs = page[^1].OpenTimeMicros / 1000;
            if (pageLastMs < cursor)
                throw new BinanceApiException("/api/v3/klines", 200, $"the server answered startTime={cursor} with klines opening at {pageLastMs}, before the requested start");
            rows.AddRange(page);
            if (page.Count < MaxLimit) break;
            cursor = pageLastMs + 1;
        }
        return rows;
    }

    /// <summary>
    /// All aggregate trades in [start, end): hour-long time windows until the first trade is found, then pages by id,
    /// which is how Binance lets a client walk a range longer than an hour.
    /// </summary>
    public async Task<List<AggTrade>> DownloadAggTradesAsync(
        string symbol, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var (startMs, lastMs) = Range(start, end);
        var endMicros = EpochTime.MillisToMicros(lastMs + 1);
        var trades = new List<AggTrade>();
        IReadOnlyList<AggTrade> page = [];
        for (var windowStart = startMs; windowStart <= lastMs && page.Count == 0; windowStart += AggTradeWindowMillis + 1)
        {
            var windowEnd = Math.Min(windowStart + AggTradeWindowMillis, lastMs);
            page = await GetAggTradesAsync(symbol, null, windowStart, windowEnd, MaxLimit, cancellationToken).ConfigureAwait(false);
        }
        while (page.Count > 0)
        {
            foreach (var trade in page)
            {
                if (trade.TimeMicros >= endMicros) return trades;
                trades.Add(trade);
            }
            if (page.Count < MaxLimit) break;
            var nextId = page[^1].Id + 1;
            page = await GetAggTradesAsync(symbol, nextId, null, null, MaxLimit, cancellationToken).ConfigureAwait(false);
            if (page.Count > 0 && page[0].Id < nextId)
                throw new BinanceApiException("/api/v3/aggTrades", 200, $"the server answered fromId={nextId} with trade id {page[0].Id}");
        }
        return trades;
    }

    private static (long StartMs, long LastMs) Range(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
            throw new ArgumentException($"the end ({end:O}) must be after the start ({start:O})", nameof(end));
        return (start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds() - 1);
    }

    private static void CheckLimit(int limit)
    {
        if (limit is < 1 or > MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"Binance pages hold 1 to {MaxLimit} rows");
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<byte[]> SendAsync(string endpoint, CancellationToken cancellationToken)
    {
        var uri = new Uri(options.BaseUrl, endpoint);
        for (var attempt = 0; ; attempt++)
        {
            await WaitForWeightAsync(cancellationToken).ConfigureAwait(false);
            HttpStatusCode status;
            byte[] body;
            TimeSpan? retryAfter;
            try
            {
                using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                status = response.StatusCode;
                retryAfter = RetryAfter(response);
                NoteWeight(response);
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= options.MaxRetries)
                    throw new BinanceApiException(endpoint, 0, $"{endpoint}: no response after {attempt + 1} attempts: {e.Message}");
                await DelayAsync(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (status == HttpStatusCode.OK) return body;
            var code = (int)status;
            var transient = code is 429 or 418 || code >= 500;
            if (!transient)
                throw new BinanceApiException(endpoint, code, $"{endpoint}: HTTP {code}: {BodyText(body)}");
            if (attempt >= options.MaxRetries)
                throw new BinanceApiException(endpoint, code, $"{endpoint}: HTTP {code} after {attempt + 1} attempts: {BodyText(body)}");
            var wait = code is 429 or 418 && retryAfter is { } told ? told : Backoff(attempt);
            if (wait > options.MaxRetryAfter)
                throw new BinanceApiException(endpoint, code, $"{endpoint}: HTTP {code}, told to retry after {wait.TotalSeconds:0} s, longer than the allowed {options.MaxRetryAfter.TotalSeconds:0} s");
            await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date && response.Headers.Date is { } now) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>Binance counts weight per calendar minute, so once near the budget the next request waits for the minute to roll.</summary>
    private void NoteWeight(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues(UsedWeightHeader, out var values)) return;
        if (!int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var used)) return;
        LastUsedWeight = used;
        if (used < options.WeightBudgetPerMinute * options.WeightThreshold) return;
        var now = options.Time.GetUtcNow();
        _resumeAt = now.AddTicks(TimeSpan.TicksPerMinute - now.UtcTicks % TimeSpan.TicksPerMinute);
    }

    private Task WaitForWeightAsync(CancellationToken cancellationToken)
    {
        var wait = _resumeAt - options.Time.GetUtcNow();
        return wait > TimeSpan.Zero ? DelayAsync(wait, cancellationToken) : Task.CompletedTask;
    }

    private TimeSpan Backoff(int attempt)
    {
        var ticks = options.InitialBackoff.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        return ticks >= options.MaxBackoff.Ticks ? options.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    private Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken) => Task.Delay(wait, options.Time, cancellationToken);

    private static string BodyText(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 500));
        return text.Length == 0 ? "(empty body)" : text;
    }
}
