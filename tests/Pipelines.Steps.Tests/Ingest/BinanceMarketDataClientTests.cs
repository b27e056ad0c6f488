using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Ingest;

public sealed class BinanceMarketDataClientTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Origin = DateTimeOffset.FromUnixTimeMilliseconds(FakeBinanceServer.Origin);
    private FakeBinanceServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await FakeBinanceServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private BinanceMarketDataClient Client(BinanceClientOptions? options = null) =>
        new(_http, (options ?? new BinanceClientOptions()) with { BaseUrl = _server.BaseUrl, InitialBackoff = TimeSpan.FromMilliseconds(20) });

    [Fact]
    public async Task Klines_are_paged_by_open_time_without_gaps_or_duplicates()
    {
        // 2500 bars at limit 1000: pages of 1000, 1000 and 500; the short last page ends the walk.
        var rows = await Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddDays(3), default);

        Assert.Equal(2500, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(FakeBinanceServer.KlineOpenTime(i) * 1000, rows[i].OpenTimeMicros);
            var expected = FakeBinanceServer.KlineValues(i);
            Assert.Equal(expected.Open, rows[i].Open);
            Assert.Equal(expected.Volume, rows[i].Volume);
            Assert.Equal(expected.Trades, rows[i].Trades);
            Assert.Equal((FakeBinanceServer.KlineOpenTime(i) + 59_999) * 1000, rows[i].CloseTimeMicros);
        }
        var requests = _server.Requests;
        Assert.Equal(3, requests.Count);
        // Each page starts one millisecond after the last bar seen.
        Assert.Equal([FakeBinanceServer.Origin, FakeBinanceServer.KlineOpenTime(999) + 1, FakeBinanceServer.KlineOpenTime(1999) + 1],
            requests.Select(r => r.Long("startTime")!.Value));
        Assert.All(requests, r => Assert.Equal(1000, r.Long("limit")));
        Assert.All(requests, r => Assert.Equal(Origin.AddDays(3).ToUnixTimeMilliseconds() - 1, r.Long("endTime")));
    }

    [Fact]
    public async Task Klines_stop_at_the_exclusive_end_and_a_full_last_page_costs_one_empty_request()
    {
        // Bars 10..1009 are exactly one full page; only the empty page after it proves nothing is left.
        var rows = await Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin.AddMinutes(10), Origin.AddMinutes(1010), default);

        Assert.Equal(1000, rows.Count);
        Assert.Equal(FakeBinanceServer.KlineOpenTime(10) * 1000, rows[0].OpenTimeMicros);
        Assert.Equal(FakeBinanceServer.KlineOpenTime(1009) * 1000, rows[^1].OpenTimeMicros);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Aggregate_trades_search_hour_windows_then_page_by_id()
    {
        // Trades start at the origin; the walk starts two hours earlier, so two windows come back empty, then the
        // third window yields the first 1000 trades and fromId pages bring 1000 and 500 more.
        var rows = await Client().DownloadAggTradesAsync("BTCUSDT", Origin.AddHours(-2), Origin.AddHours(2), default);

        Assert.Equal(2500, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var id = _server.FirstTradeId + i;
            Assert.Equal(id, rows[i].Id);
            Assert.Equal(_server.TradeTime(id) * 1000, rows[i].TimeMicros);
            Assert.Equal(FakeBinanceServer.TradePrice(id), rows[i].Price);
            Assert.Equal(id % 2 == 0, rows[i].IsBuyerMaker);
        }
        var requests = _server.Requests;
        Assert.Equal(5, requests.Count);
        Assert.All(requests.Take(3), r => Assert.True(r.Long("endTime") - r.Long("startTime") < 3_600_000));
        Assert.Equal([null, null, null, _server.FirstTradeId + 1000, _server.FirstTradeId + 2000], requests.Select(r => r.Long("fromId")));
    }

    [Fact]
    public async Task Aggregate_trades_stop_at_the_exclusive_end()
    {
        // 500 ms apart, ten minutes hold 1200 trades: one window page of 1000, one id page cut at the end.
        var rows = await Client().DownloadAggTradesAsync("BTCUSDT", Origin, Origin.AddMinutes(10), default);

        Assert.Equal(1200, rows.Count);
        Assert.Equal(_server.FirstTradeId + 1199, rows[^1].Id);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Retry_after_of_a_429_is_waited_out_before_the_request_is_repeated()
    {
        _server.Faults.Enqueue(ServerFault.TooManyRequests(retryAfterSeconds: 1));

        var rows = await Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(5), default);

        Assert.Equal(5, rows.Count);
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Query, requests[1].Query);
        // A lower bound only: the machine can be slow, never early.
        Assert.True(requests[1].ArrivedAt - requests[0].ArrivedAt >= TimeSpan.FromMilliseconds(950));
    }

    [Fact]
    public async Task A_418_ban_is_waited_out_when_short_and_fails_the_download_when_too_long()
    {
        _server.Faults.Enqueue(ServerFault.Banned(retryAfterSeconds: 1));
        var rows = await Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(5), default);
        Assert.Equal(5, rows.Count);
        Assert.True(_server.Requests[1].ArrivedAt - _server.Requests[0].ArrivedAt >= TimeSpan.FromMilliseconds(950));

        _server.Faults.Enqueue(ServerFault.Banned(retryAfterSeconds: 7200));
        var error = await Assert.ThrowsAsync<BinanceApiException>(() =>
            Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(5), default));
        Assert.Equal(418, error.StatusCode);
        Assert.Contains("7200", error.Message);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_the_download_recovers()
    {
        _server.Faults.Enqueue(ServerFault.InternalError());
        _server.Faults.Enqueue(ServerFault.InternalError());

        var rows = await Client().DownloadAggTradesAsync("BTCUSDT", Origin, Origin.AddMinutes(1), default);

        Assert.Equal(120, rows.Count);
        Assert.Equal(3, _server.Requests.Count);
        // Backoff doubles: 20 ms, then 40 ms.
        Assert.True(_server.Requests[2].ArrivedAt - _server.Requests[1].ArrivedAt >= TimeSpan.FromMilliseconds(35));
    }

    [Fact]
    public async Task Server_errors_beyond_the_retry_count_fail_with_the_status()
    {
        for (var i = 0; i < 3; i++) _server.Faults.Enqueue(ServerFault.InternalError());

        var error = await Assert.ThrowsAsync<BinanceApiException>(() =>
            Client(new BinanceClientOptions { MaxRetries = 2 }).DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(5), default));

        Assert.Equal(500, error.StatusCode);
        Assert.Contains("/api/v3/klines", error.Endpoint);
        Assert.Contains("3 attempts", error.Message);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_carries_the_servers_message()
    {
        _server.Faults.Enqueue(new ServerFault(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"));

        var error = await Assert.ThrowsAsync<BinanceApiException>(() =>
            Client().DownloadKlinesAsync("NOPE", "1m", Origin, Origin.AddMinutes(5), default));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("Invalid symbol.", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_truncated_body_is_reported_with_the_endpoint_and_where_it_ends()
    {
        _server.Faults.Enqueue(ServerFault.Truncated());

        var error = await Assert.ThrowsAsync<BinancePayloadException>(() =>
            Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(50), default));

        Assert.StartsWith("/api/v3/klines?symbol=BTCUSDT", error.Endpoint);
        Assert.Contains("truncated", error.Message);
        Assert.Contains(error.Endpoint, error.Message);
        Assert.True(error.ByteOffset > 0);
    }

    [Fact]
    public async Task Malformed_json_is_reported_at_the_offending_byte()
    {
        const string body = "[[1677628800000,\"100.0\",\"101.0\",\"99.0\",\"100.5\",\"3.0\",1677628859999,\"300.0\",12,\"1.0\",\"100.0\",\"0\"],[1677628860000,\"100.0\"x]]";
        _server.Faults.Enqueue(ServerFault.RawBody(body));

        var error = await Assert.ThrowsAsync<BinancePayloadException>(() =>
            Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(5), default));

        Assert.Equal(body.IndexOf('x'), error.ByteOffset);
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public async Task Json_of_the_wrong_shape_names_the_row_and_field()
    {
        _server.Faults.Enqueue(ServerFault.RawBody("[[1677628800000,\"100.0\",\"101.0\",\"99.0\",\"abc\",\"3.0\",1677628859999,\"300.0\",12,\"1.0\",\"100.0\",\"0\"]]"));
        var error = await Assert.ThrowsAsync<BinancePayloadException>(() =>
            Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(5), default));
        Assert.Contains("row 0: close is not a number", error.Message);

        _server.Faults.Enqueue(ServerFault.RawBody("[{\"a\":1,\"p\":\"1.0\",\"q\":\"2.0\",\"f\":1,\"l\":1,\"m\":true,\"M\":true}]"));
        var missing = await Assert.ThrowsAsync<BinancePayloadException>(() =>
            Client().DownloadAggTradesAsync("BTCUSDT", Origin, Origin.AddMinutes(5), default));
        Assert.Contains("lacks one of the fields", missing.Message);
        Assert.Contains("/api/v3/aggTrades", missing.Endpoint);
    }

    [Fact]
    public async Task The_used_weight_header_is_read_from_every_response()
    {
        var client = Client();
        await client.DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddDays(3), default);

        Assert.Equal(3 * FakeBinanceServer.KlineWeight, client.LastUsedWeight);
    }

    [Fact]
    public async Task Near_the_weight_budget_the_next_request_waits_for_the_minute_to_roll()
    {
        // The client's clock is set 1.2 s before a minute boundary; the server reports 1100 of 1200 used (above
        // 90%), so the second page must wait until the boundary. Two pages only: the server's count does not reset.
        _server.KlineCount = 1500;
        _server.OtherWeight = 1100;
        var clock = new ShiftedClock(secondsBeforeMinute: 1.2);
        var client = Client(new BinanceClientOptions { Time = clock });

        var rows = await client.DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddDays(3), default);

        Assert.Equal(1500, rows.Count);
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ArrivedAt - requests[0].ArrivedAt >= TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public async Task Cancellation_stops_a_wait_for_retry()
    {
        _server.Faults.Enqueue(ServerFault.TooManyRequests(retryAfterSeconds: 60));
        using var cancel = new CancellationTokenSource();
        var download = Client().DownloadKlinesAsync("BTCUSDT", "1m", Origin, Origin.AddMinutes(5), cancel.Token);
        while (_server.Requests.Count == 0) await Task.Delay(10);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.Single(_server.Requests);
    }

    /// <summary>The system clock moved so that "now" is a chosen distance before a minute boundary.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private readonly TimeSpan _shift;

        public ShiftedClock(double secondsBeforeMinute)
        {
            var now = System.GetUtcNow();
            var intoMinute = TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerMinute);
            _shift = TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(secondsBeforeMinute) - intoMinute;
        }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;
    }
}
