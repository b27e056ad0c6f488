using Microsoft.Extensions.Time.Testing;
using Serilog;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tests.Ticks;
using static Pipelines.Steps.Tests.Ingest.Book.BookTestData;

namespace Pipelines.Steps.Tests.Ingest.BookLive;

public sealed class BinanceBookStreamTests : IAsyncLifetime
{
    private FakeBookExchange _exchange = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _exchange = await FakeBookExchange.StartAsync();

    public async Task DisposeAsync()
    {
        await _exchange.DisposeAsync();
        _http.Dispose();
    }

    private BookStreamOptions Options() => new()
    {
        Symbol = "btcusdt",
        BaseUri = _exchange.StreamUri,
        RestBaseUri = _exchange.RestUri,
        SnapshotLimit = 500,
        InitialReconnectDelay = TimeSpan.FromMilliseconds(10),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>The brute-force book: the initial levels with every event up to k applied, one dictionary write per level.</summary>
    private (Dictionary<long, long> Bids, Dictionary<long, long> Asks) Oracle(int k)
    {
        var bids = new Dictionary<long, long>(_exchange.InitialBids);
        var asks = new Dictionary<long, long>(_exchange.InitialAsks);
        foreach (var e in _exchange.Events.Take(k))
        {
            foreach (var l in e.Bids) Set(bids, l);
            foreach (var l in e.Asks) Set(asks, l);
        }
        return (bids, asks);

        static void Set(Dictionary<long, long> side, PriceLevel level)
        {
            if (level.Quantity == 0) side.Remove(level.Price);
            else side[level.Price] = level.Quantity;
        }
    }

    /// <summary>Runs the stream until its book is in sync at the last event's u, then stops it; the guard only ends a broken run.</summary>
    private async Task<(BinanceBookStream Stream, RecordingSink Sink)> RunUntilSyncedAtLastEventAsync(BookStreamOptions? options = null)
    {
        var stream = new BinanceBookStream(options ?? Options(), _http);
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();
        var run = stream.RunAsync(sink, stop.Token);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var target = _exchange.Finals[^1];
        while (sink.SyncedAt != target && !run.IsCompleted) await Task.Delay(10, guard.Token);
        await stop.CancelAsync();
        await run;
        return (stream, sink);
    }

    private void AssertBookEqualsOracle(BinanceBookStream stream, int k)
    {
        var (bids, asks) = Oracle(k);
        Assert.True(stream.Synchronizer.Book.IsSynchronised);
        Assert.Equal(_exchange.Finals[k], stream.Synchronizer.Book.LastUpdateId);
        Assert.Equal(Side(bids, bids: true), Side(stream.Synchronizer.Book.Bids));
        Assert.Equal(Side(asks, bids: false), Side(stream.Synchronizer.Book.Asks));
    }

    [Fact]
    public async Task A_clean_stream_keeps_the_book_equal_to_a_brute_force_book_from_the_snapshot_and_every_later_event()
    {
        _exchange.SnapshotsAt(0);
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(1, 60));

        var (stream, sink) = await RunUntilSyncedAtLastEventAsync();

        AssertBookEqualsOracle(stream, 60);
        // Every book it was in sync at on the way equals the oracle at that update id, not just the last one.
        for (var k = 1; k <= 60; k++)
        {
            var (bids, asks) = Oracle(k);
            Assert.Equal(Side(bids, bids: true), Side(sink.Books[_exchange.Finals[k]].Bids, bids: true));
            Assert.Equal(Side(asks, bids: false), Side(sink.Books[_exchange.Finals[k]].Asks, bids: false));
        }
        Assert.Equal(["/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker/btcusdt@aggTrade"], _exchange.Paths);
        Assert.Equal(["?symbol=BTCUSDT&limit=500"], _exchange.SnapshotQueries);
        Assert.Equal((0L, 0L, 0L, 1L), (stream.Counters.Gaps, stream.Counters.Resyncs, stream.Counters.Malformed, stream.Counters.Snapshots));
        Assert.Equal(60, stream.Counters.DepthEvents);
        Assert.Equal(60, sink.Tickers.Count);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), sink.Trades.Select(t => t.AggTradeId));
        Assert.Equal(FixedPointDecimal.Parse(FakeAggTradeServer.TradePrice(7).ToString("F8", System.Globalization.CultureInfo.InvariantCulture), "p"),
            sink.Trades[6].Price);
        Assert.Equal(_exchange.Finals[60], sink.Tickers[^1].UpdateId);
    }

    public static TheoryData<string, int[], int[], int> Faults => new()
    {
        // name, events in stream order, snapshots served (event index), out-of-order events counted
        { "dropped", [.. Enumerable.Range(1, 20), .. Enumerable.Range(22, 39)], [0, 21], 0 },
        { "duplicated", [.. Enumerable.Range(1, 20), 20, .. Enumerable.Range(21, 40)], [0, 20], 1 },
        { "out of order", [.. Enumerable.Range(1, 20), 22, 21, .. Enumerable.Range(23, 38)], [0, 22], 1 },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_dropped_duplicated_or_reordered_event_is_a_detected_gap_followed_by_a_resync_from_a_new_snapshot(
        string fault, int[] order, int[] snapshots, int outOfOrder)
    {
        _exchange.SnapshotsAt(snapshots);
        _exchange.Enqueue(ConnectionEnd.StayOpen, order.Select(_exchange.Depth));

        var (stream, sink) = await RunUntilSyncedAtLastEventAsync();

        AssertBookEqualsOracle(stream, 60);
        Assert.True((1L, 1L) == (stream.Counters.Gaps, stream.Counters.Resyncs), $"{fault}: gaps {stream.Counters.Gaps}, resyncs {stream.Counters.Resyncs}");
        Assert.Equal(2, _exchange.SnapshotQueries.Count);
        Assert.Equal(outOfOrder, stream.Counters.OutOfOrder);
        Assert.Single(sink.DepthOutcomes, o => o == DepthEventOutcome.Gap);
    }

    [Fact]
    public async Task A_snapshot_older_than_the_first_buffered_event_is_refetched()
    {
        // The stream starts at event 5, but the first snapshot is the book before event 1: lastUpdateId + 1 < U of event 5.
        _exchange.SnapshotsAt(0, 6);
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(5, 60));

        var (stream, sink) = await RunUntilSyncedAtLastEventAsync();

        AssertBookEqualsOracle(stream, 60);
        Assert.Equal([SnapshotOutcome.TooOld, SnapshotOutcome.AwaitingFirstEvent], sink.SnapshotOutcomes);
        Assert.Equal((1L, 2L, 0L, 0L), (stream.Counters.SnapshotsTooOld, stream.Counters.Snapshots, stream.Counters.Gaps, stream.Counters.Resyncs));
    }

    [Fact]
    public async Task A_failed_snapshot_request_is_counted_and_tried_again_after_the_backoff()
    {
        // The REST client tries three times per request; then the stream backs off and asks again.
        _exchange.SnapshotOutages = 3;
        _exchange.SnapshotsAt(0);
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(1, 60));

        var (stream, _) = await RunUntilSyncedAtLastEventAsync();

        AssertBookEqualsOracle(stream, 60);
        Assert.Equal((1L, 1L, 0L), (stream.Counters.SnapshotFailures, stream.Counters.Snapshots, stream.Counters.Gaps));
        Assert.Equal(4, _exchange.SnapshotQueries.Count);
    }

    [Fact]
    public async Task Malformed_messages_are_counted_and_skipped_and_the_book_stays_exact()
    {
        var depth7 = _exchange.DepthData(7);
        string[] malformed =
        [
            "not json",
            _exchange.Depth(7)[..60],
            FakeBookExchange.Envelope("btcusdt@depth@100ms", depth7.Replace("\"BTCUSDT\"", "\"ETHUSDT\"")),
            FakeBookExchange.Envelope("btcusdt@depth@100ms", depth7.Replace("\"b\":[[\"", "\"b\":[[\"x")),
            FakeBookExchange.Envelope("btcusdt@depth@100ms", depth7.Replace($"\"U\":{_exchange.Events[6].First}", $"\"U\":{_exchange.Events[6].Final + 5}")),
            FakeBookExchange.Envelope("btcusdt@kline_1m", "{}"),
            FakeBookExchange.Envelope("btcusdt@bookTicker", "{\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1e3\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}"),
            FakeBookExchange.Envelope("btcusdt@aggTrade", FakeAggTradeServer.Event(3).Replace("\"p\":\"", "\"p\":\"-")),
            "{\"data\":{}}",
        ];
        _exchange.SnapshotsAt(0);
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(1, 6), malformed, _exchange.Stream(7, 60));

        var (stream, sink) = await RunUntilSyncedAtLastEventAsync();

        AssertBookEqualsOracle(stream, 60);
        Assert.Equal(malformed.Length, stream.Counters.Malformed);
        Assert.Equal(malformed.Length, sink.Malformed);
        Assert.Equal((0L, 0L), (stream.Counters.Gaps, stream.Counters.Resyncs));
    }

    [Fact]
    public async Task Events_lost_while_reconnecting_show_as_a_gap_and_the_book_is_resynchronised()
    {
        _exchange.SnapshotsAt(0, 30);
        _exchange.Enqueue(ConnectionEnd.Abort, _exchange.Stream(1, 20));
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(26, 60));

        var (stream, _) = await RunUntilSyncedAtLastEventAsync();

        AssertBookEqualsOracle(stream, 60);
        Assert.Equal((1L, 1L, 1L), (stream.Counters.Reconnects, stream.Counters.Gaps, stream.Counters.Resyncs));
    }

    [Fact]
    public async Task A_reconnect_that_lost_nothing_needs_no_new_snapshot()
    {
        _exchange.SnapshotsAt(0);
        _exchange.Enqueue(ConnectionEnd.Close, _exchange.Stream(1, 20));
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(21, 60));

        var (stream, _) = await RunUntilSyncedAtLastEventAsync();

        AssertBookEqualsOracle(stream, 60);
        Assert.Equal((1L, 0L, 1L), (stream.Counters.Reconnects, stream.Counters.Gaps, stream.Counters.Snapshots));
    }

    [Fact]
    public async Task Reconnects_wait_the_jittered_backoff_doubling_after_each_connection_that_brought_nothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        _exchange.Enqueue(ConnectionEnd.Close);
        _exchange.Enqueue(ConnectionEnd.Close);
        var options = Options() with
        {
            Time = time,
            Jitter = () => 0.5,
            InitialReconnectDelay = TimeSpan.FromSeconds(10),
            MaxReconnectDelay = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromDays(1),
            ReceiveTimeout = TimeSpan.FromDays(1),
        };
        var log = new LogMessages();
        var stream = new BinanceBookStream(options, _http, new LoggerConfiguration().WriteTo.Sink(log).CreateLogger());
        using var stop = new CancellationTokenSource();
        var run = stream.RunAsync(new RecordingSink(), stop.Token);

        // 10 s × (1 + 0.25 × 0.5) after the first drop, then twice that after the second.
        await AssertReconnectAfterAsync(time, log, 2, TimeSpan.FromSeconds(11.25));
        await AssertReconnectAfterAsync(time, log, 3, TimeSpan.FromSeconds(22.5));
        // The server sees the third attempt before the client has finished its handshake and counted it.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (stream.Counters.Reconnects < 2) await Task.Delay(10, guard.Token);

        await stop.CancelAsync();
        await run;
        Assert.Equal(2, stream.Counters.Reconnects);
        Assert.Equal(3, _exchange.ConnectionAttempts);
    }

    /// <summary>
    /// Waits (in real time, bounded) until the client has logged the drop before <paramref name="attempt"/> (it sets the
    /// backoff timer right after), checks that one tick short of <paramref name="delay"/> brings no new connection, and
    /// that the delay itself does.
    /// </summary>
    private async Task AssertReconnectAfterAsync(FakeTimeProvider time, LogMessages log, int attempt, TimeSpan delay)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (log.Count(m => m.Contains("reconnecting in")) < attempt - 1) await Task.Delay(10, guard.Token);
        await Task.Delay(100, guard.Token);
        time.Advance(delay - TimeSpan.FromTicks(1));
        await Task.Delay(300, guard.Token);
        Assert.Equal(attempt - 1, _exchange.ConnectionAttempts);
        time.Advance(TimeSpan.FromTicks(1));
        while (_exchange.ConnectionAttempts < attempt) await Task.Delay(10, guard.Token);
    }

    /// <summary>Rendered log messages, for waiting on what the client says it does.</summary>
    private sealed class LogMessages : Serilog.Core.ILogEventSink
    {
        private readonly List<string> _messages = [];

        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            lock (_messages) _messages.Add(logEvent.RenderMessage());
        }

        public int Count(Func<string, bool> match)
        {
            lock (_messages) return _messages.Count(match);
        }
    }

    [Theory]
    [InlineData(0, 0.0, 10_000)]
    [InlineData(1, 0.0, 20_000)]
    [InlineData(2, 0.5, 45_000)]
    [InlineData(3, 0.999, 60_000 * 1.24975)]
    [InlineData(40, 0.0, 60_000)]
    public void The_backoff_doubles_from_the_initial_delay_up_to_the_maximum_and_stretches_by_at_most_a_quarter(int failures, double unit, double expectedMs)
    {
        var delay = Pipelines.Steps.Ticks.JitteredBackoff.Delay(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), failures, unit);

        Assert.Equal(expectedMs, delay.TotalMilliseconds, 6);
    }
}
