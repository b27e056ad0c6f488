using System.Net.WebSockets;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Ticks;

public sealed class BinanceAggTradeStreamTests : IAsyncLifetime
{
    private FakeAggTradeServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAggTradeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private BinanceStreamOptions Options(bool backfill = false) => new()
    {
        BaseUri = _server.StreamUri,
        Symbol = "btcusdt",
        InitialReconnectDelay = TimeSpan.FromMilliseconds(10),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(50),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RestBaseUri = backfill ? _server.RestUri : null,
    };

    /// <summary>The guard only stops a broken source from hanging the run; no timing is asserted.</summary>
    private static async Task<List<Tick>> ReadAsync(ITickSource source, int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ticks = new List<Tick>();
        var buffer = new Tick[7];
        while (ticks.Count < count)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, count - ticks.Count)), guard.Token);
            if (read == 0) break;
            ticks.AddRange(buffer.AsSpan(0, read));
        }
        return ticks;
    }

    private static IEnumerable<Tick> Expected(long firstId, long lastId)
    {
        for (var id = firstId; id <= lastId; id++) yield return FakeAggTradeServer.ExpectedTick(id);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(10, guard.Token);
    }

    [Theory]
    [InlineData(16 * 1024)]
    [InlineData(16)]
    public async Task A_normal_stream_comes_out_in_order_from_the_lowercase_aggTrade_path(int receiveBufferSize)
    {
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(1, 50));
        await using var stream = new BinanceAggTradeStream(Options() with { ReceiveBufferSize = receiveBufferSize });

        var ticks = await ReadAsync(stream, 50);

        Assert.Equal(Expected(1, 50), ticks);
        Assert.Equal(["/ws/btcusdt@aggTrade"], _server.Paths);
        Assert.Equal((0L, 0L, 0L, 0L), (stream.Counters.Reconnects, stream.Counters.Gaps, stream.Counters.MalformedMessages, stream.Counters.FailedConnects));
        Assert.Contains("BTCUSDT@aggTrade", stream.Name);
    }

    [Theory]
    [InlineData(ConnectionEnd.Abort)]
    [InlineData(ConnectionEnd.Close)]
    public async Task A_dropped_connection_is_reconnected_once_and_the_overlap_is_not_passed_on_twice(ConnectionEnd drop)
    {
        _server.Enqueue(drop, FakeAggTradeServer.Events(1, 20));
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(11, 40));
        await using var stream = new BinanceAggTradeStream(Options());

        var ticks = await ReadAsync(stream, 40);

        Assert.Equal(Expected(1, 40), ticks);
        Assert.Equal(1, stream.Counters.Reconnects);
        Assert.Equal(0, stream.Counters.Gaps);
        Assert.Equal(2, _server.ConnectionAttempts);
    }

    [Fact]
    public async Task A_connection_silent_for_the_receive_timeout_is_treated_as_dropped()
    {
        _server.Enqueue(ConnectionEnd.GoSilent, FakeAggTradeServer.Events(1, 20));
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(11, 40));
        var time = new ManualTimeProvider();
        await using var stream = new BinanceAggTradeStream(Options() with { ReceiveTimeout = TimeSpan.FromHours(1), Time = time });
        Assert.Equal(Expected(1, 20), await ReadAsync(stream, 20));
        Assert.Equal(1, _server.ConnectionAttempts);

        // Only the silence timeout can end the first connection; the clock then creeps on so the backoff can elapse,
        // never again reaching an hour, so the second connection stays.
        time.Advance(TimeSpan.FromHours(1));
        await WaitUntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            return stream.Counters.Reconnects == 1;
        });
        var rest = await ReadAsync(stream, 20);

        Assert.Equal(Expected(21, 40), rest);
        Assert.Equal(1, stream.Counters.Reconnects);
        Assert.Equal(2, _server.ConnectionAttempts);
    }

    [Fact]
    public async Task A_consumer_slower_than_the_stream_still_gets_every_trade_in_order_through_a_tiny_queue()
    {
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(1, 300));
        await using var stream = new BinanceAggTradeStream(Options() with { ChannelCapacity = 2 });
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ticks = new List<Tick>();
        var one = new Tick[1];

        while (ticks.Count < 300 && await stream.ReadAsync(one, guard.Token) == 1) ticks.Add(one[0]);

        Assert.Equal(Expected(1, 300), ticks);
        Assert.Equal(0, stream.Counters.Gaps);
    }

    [Fact]
    public async Task Skipped_ids_are_counted_as_a_gap_and_backfilled_from_rest_in_order()
    {
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(1, 10), FakeAggTradeServer.Events(16, 30));
        await using var stream = new BinanceAggTradeStream(Options(backfill: true));

        var ticks = await ReadAsync(stream, 30);

        Assert.Equal(Expected(1, 30), ticks);
        Assert.Equal(1, stream.Counters.Gaps);
        Assert.Equal(0, stream.Counters.MissingTrades);
        Assert.Equal(5, stream.Counters.BackfilledTrades);
        Assert.Equal([11L], _server.RestFromIds);
    }

    [Fact]
    public async Task Trades_missed_while_reconnecting_are_backfilled_before_newer_ones()
    {
        _server.Enqueue(ConnectionEnd.Abort, FakeAggTradeServer.Events(1, 10));
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(21, 30));
        await using var stream = new BinanceAggTradeStream(Options(backfill: true));

        var ticks = await ReadAsync(stream, 30);

        Assert.Equal(Expected(1, 30), ticks);
        Assert.Equal((1L, 1L, 0L, 10L), (stream.Counters.Reconnects, stream.Counters.Gaps, stream.Counters.MissingTrades, stream.Counters.BackfilledTrades));
    }

    [Fact]
    public async Task When_rest_cannot_backfill_the_gap_counts_its_trades_as_missing_and_the_stream_goes_on()
    {
        _server.RestUnavailable = true;
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(1, 10), FakeAggTradeServer.Events(16, 30));
        await using var stream = new BinanceAggTradeStream(Options(backfill: true));

        var ticks = await ReadAsync(stream, 25);

        Assert.Equal(Expected(1, 10).Concat(Expected(16, 30)), ticks);
        Assert.Equal((1L, 5L, 0L), (stream.Counters.Gaps, stream.Counters.MissingTrades, stream.Counters.BackfilledTrades));
        Assert.NotEmpty(_server.RestFromIds);
        Assert.All(_server.RestFromIds, id => Assert.Equal(11, id));
    }

    [Fact]
    public async Task Without_rest_a_gap_is_counted_with_its_missing_trades_and_the_stream_goes_on()
    {
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(1, 10), FakeAggTradeServer.Events(16, 20), FakeAggTradeServer.Events(22, 25));
        await using var stream = new BinanceAggTradeStream(Options());

        var ticks = await ReadAsync(stream, 19);

        Assert.Equal(Expected(1, 10).Concat(Expected(16, 20)).Concat(Expected(22, 25)), ticks);
        Assert.Equal(2, stream.Counters.Gaps);
        Assert.Equal(5 + 1, stream.Counters.MissingTrades);
    }

    [Fact]
    public async Task Malformed_and_truncated_messages_are_counted_and_skipped()
    {
        var wrongSymbol = FakeAggTradeServer.Event(6).Replace("BTCUSDT", "ETHUSDT");
        var badPrice = FakeAggTradeServer.Event(6).Replace("\"p\":\"", "\"p\":\"x");
        var truncated = FakeAggTradeServer.Event(6)[..40];
        var noTradeTime = FakeAggTradeServer.Event(6).Replace("\"T\":", "\"t\":");
        var oversized = FakeAggTradeServer.Event(6).Replace("\"M\":true", "\"M\":true,\"pad\":\"" + new string('x', 1 << 20) + "\"");
        _server.Enqueue(ConnectionEnd.StayOpen,
            FakeAggTradeServer.Events(1, 5), [truncated, "not json", "[1,2]", badPrice, wrongSymbol, noTradeTime, oversized], FakeAggTradeServer.Events(6, 10));
        await using var stream = new BinanceAggTradeStream(Options());

        var ticks = await ReadAsync(stream, 10);

        Assert.Equal(Expected(1, 10), ticks);
        Assert.Equal(7, stream.Counters.MalformedMessages);
        Assert.Equal((0L, 0L), (stream.Counters.Gaps, stream.Counters.Reconnects));
    }

    [Fact]
    public async Task A_server_that_never_answers_is_retried_until_the_reader_gives_up_without_crashing()
    {
        _server.NeverAnswer = true;
        var stream = new BinanceAggTradeStream(Options() with { ConnectTimeout = TimeSpan.FromMilliseconds(100) });

        using var cancel = new CancellationTokenSource();
        var reading = stream.ReadAsync(new Tick[4], cancel.Token);
        await WaitUntilAsync(() => _server.ConnectionAttempts >= 3 && stream.Counters.FailedConnects >= 2);
        Assert.False(reading.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reading);
        Assert.Equal(0, stream.Counters.Reconnects);
        await stream.DisposeAsync();
        Assert.Equal(0, await stream.ReadAsync(new Tick[4], CancellationToken.None));
    }

    [Fact]
    public async Task Cancelling_a_read_throws_while_the_stream_stays_usable()
    {
        await using var stream = new BinanceAggTradeStream(Options());
        using var cancel = new CancellationTokenSource();
        var waiting = stream.ReadAsync(new Tick[4], cancel.Token);
        await WaitUntilAsync(() => _server.ConnectionAttempts == 1);
        Assert.False(waiting.IsCompleted);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        Assert.ThrowsAny<OperationCanceledException>(() => stream.ReadAsync(new Tick[4], cancel.Token));
    }

    [Fact]
    public async Task Disposing_closes_the_socket_cleanly_and_ends_pending_and_later_reads_with_zero()
    {
        _server.Enqueue(ConnectionEnd.StayOpen, FakeAggTradeServer.Events(1, 3));
        var stream = new BinanceAggTradeStream(Options());
        Assert.Equal(Expected(1, 3), await ReadAsync(stream, 3));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pending = stream.ReadAsync(new Tick[4], guard.Token);

        await stream.DisposeAsync();

        Assert.Equal(0, await pending);
        Assert.Equal(0, await stream.ReadAsync(new Tick[4], guard.Token));
        await WaitUntilAsync(() => _server.ClientCloseStatus is not null);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, _server.ClientCloseStatus);
        Assert.Equal(1, _server.ConnectionAttempts);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_setting()
    {
        Assert.Contains("BTC-USDT", Assert.Throws<ArgumentException>(() => new BinanceAggTradeStream(Options() with { Symbol = "BTC-USDT" })).Message);
        Assert.Contains("ws://", Assert.Throws<ArgumentException>(() => new BinanceAggTradeStream(Options() with { BaseUri = new Uri("http://127.0.0.1/") })).Message);
        Assert.Contains("ReceiveTimeout", Assert.Throws<ArgumentException>(() => new BinanceAggTradeStream(Options() with { ReceiveTimeout = TimeSpan.Zero })).Message);
        Assert.Contains("ChannelCapacity", Assert.Throws<ArgumentException>(() => new BinanceAggTradeStream(Options() with { ChannelCapacity = 0 })).Message);
    }
}
