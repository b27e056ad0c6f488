using Microsoft.Extensions.Time.Testing;
using Pipelines.Abstractions;
using Pipelines.Steps.Book;
using Pipelines.Steps.Ingest;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Ticks;
using Pipelines.Steps.Ticks;
using Serilog.Core;

namespace Pipelines.Steps.Tests.Ingest.BookLive;

public sealed class BinanceBookStepTests : IAsyncLifetime
{
    private FakeBookExchange _exchange = null!;
    private readonly TestStepContext _context = new();

    public async Task InitializeAsync()
    {
        _exchange = await FakeBookExchange.StartAsync(seed: 11, eventCount: 60);
        _exchange.SnapshotsAt(0);
        // The connection closes after its 60 events; the client reads every message before the close frame, so once it
        // connects again everything has reached the recorder.
        _exchange.Enqueue(ConnectionEnd.Close, _exchange.Stream(1, 60));
    }

    /// <summary>
    /// Records for <paramref name="duration"/> on a clock that moves only once every event has been received, so the
    /// recording holds all of them however slow the machine is.
    /// </summary>
    private async Task<BinanceBookOutputs> RecordAllAsync(string duration)
    {
        var time = new FakeTimeProvider();
        var run = new BinanceBookStep { Time = time }.ExecuteAsync(Record(duration), _context, CancellationToken.None);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_exchange.ConnectionAttempts < 2) await Task.Delay(20, guard.Token);
        Assert.False(run.IsCompleted);
        time.Advance(RecordingDurationOf(duration));
        return await run.WaitAsync(guard.Token);
    }

    private static TimeSpan RecordingDurationOf(string text) => RecordingDuration.TryParse(text, out var d) ? d : throw new ArgumentException(text);

    public async Task DisposeAsync()
    {
        await _exchange.DisposeAsync();
        _context.Dispose();
    }

    private BinanceBookInputs Record(string duration) => new()
    {
        Symbol = "BTCUSDT",
        Duration = duration,
        BaseUrl = _exchange.StreamUri.ToString(),
        RestUrl = _exchange.RestUri.ToString(),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    };

    private (Dictionary<long, long> Bids, Dictionary<long, long> Asks) Oracle(int k)
    {
        var bids = new Dictionary<long, long>(_exchange.InitialBids);
        var asks = new Dictionary<long, long>(_exchange.InitialAsks);
        foreach (var e in _exchange.Events.Take(k))
        {
            foreach (var l in e.Bids) if (l.Quantity == 0) bids.Remove(l.Price); else bids[l.Price] = l.Quantity;
            foreach (var l in e.Asks) if (l.Quantity == 0) asks.Remove(l.Price); else asks[l.Price] = l.Quantity;
        }
        return (bids, asks);
    }

    /// <summary>What a row must hold after event k, computed from the brute-force book in decimal arithmetic.</summary>
    private (double Bid, double Ask, double Mid, double SpreadBps, double Micro, double BidDepth5, double AskDepth5, double AskDepth1) Expected(int k)
    {
        var (bids, asks) = Oracle(k);
        var topBids = bids.OrderByDescending(p => p.Key).Select(p => (P: p.Key / 1e8m, Q: p.Value / 1e8m)).ToList();
        var topAsks = asks.OrderBy(p => p.Key).Select(p => (P: p.Key / 1e8m, Q: p.Value / 1e8m)).ToList();
        decimal b = topBids[0].P, a = topAsks[0].P, qb = topBids[0].Q, qa = topAsks[0].Q;
        var mid = (a + b) / 2;
        return ((double)b, (double)a, (double)mid, (double)((a - b) / mid * 10_000m), (double)((b * qa + a * qb) / (qa + qb)),
            (double)topBids.Take(5).Sum(l => l.Q), (double)topAsks.Take(5).Sum(l => l.Q), (double)topAsks[0].Q);
    }

    private static void Close(double expected, object? actual) => Assert.Equal(expected, (double)actual!, expected * 1e-12 + 1e-12);

    [Fact]
    public async Task A_bounded_recording_reads_back_at_every_trade_as_the_exact_book_each_trade_saw()
    {
        var recorded = await RecordAllAsync("10m");

        Assert.Equal(60, recorded.DepthEvents);
        Assert.Equal(180, recorded.Events);
        Assert.Equal((1L, 0L, 0L, 0L, 0), (recorded.Snapshots, recorded.Gaps, recorded.Resyncs, recorded.Malformed, recorded.Restarts));
        Assert.NotEmpty(recorded.Segments);
        Assert.All(recorded.Segments, s => Assert.StartsWith("data/book/BTCUSDT/", s));

        var table = await new BookSnapshotsStep().ExecuteAsync(
            new BookSnapshotsInputs { Symbol = "btcusdt", Every = "trade" }, _context, CancellationToken.None);

        Assert.Equal(60, table.Rows);
        Assert.Equal(BookSnapshotTable.Columns, table.Columns);
        using var probe = new ParquetProbe(_context.FullPath(table.Table));
        // Mid, spread and microprice are what featurize/market derives from the best levels; checked here against the oracle.
        var rows = probe.Rows("SELECT trade_id, last_update_id, bid_price, ask_price, (bid_price + ask_price) / 2, " +
            "(ask_price - bid_price) / ((bid_price + ask_price) / 2) * 10000, (bid_price * ask_qty + ask_price * bid_qty) / (bid_qty + ask_qty), " +
            "bid_depth, ask_depth, bid_qty_1 + bid_qty_2 + bid_qty_3 + bid_qty_4 + bid_qty_5, ask_qty_1, time_us, price FROM {t} ORDER BY trade_id");
        foreach (var row in rows)
        {
            var k = (int)(long)row[0]!;
            var e = Expected(k);
            Assert.Equal(_exchange.Finals[k], (long)row[1]!);
            Close(e.Bid, row[2]);
            Close(e.Ask, row[3]);
            Close(e.Mid, row[4]);
            Close(e.SpreadBps, row[5]);
            Close(e.Micro, row[6]);
            Close(e.BidDepth5, row[7]);
            Close(e.AskDepth5, row[8]);
            Close(e.BidDepth5, row[9]);
            Close(e.AskDepth1, row[10]);
            Assert.Equal(FakeAggTradeServer.TradeTimeMs(k) * 1000, (long)row[11]!);
            Close(FakeAggTradeServer.TradePrice(k), row[12]);
        }
    }

    [Fact]
    public async Task Read_on_a_grid_each_row_is_the_book_after_the_last_depth_event_at_or_before_its_time()
    {
        await RecordAllAsync("10m");

        var table = await new BookSnapshotsStep().ExecuteAsync(
            new BookSnapshotsInputs { Symbol = "BTCUSDT", Every = "100ms" }, _context, CancellationToken.None);

        // Depth event k and trade k carry origin + k × 100 ms (k = 1 … 60). Rows close the intervals (b − 100 ms, b] from
        // the one holding the first event and trade (b = origin + 200 ms) to the one past the last (b = origin + 6.1 s):
        // row b = origin + k × 100 ms sees event min(k, 60), and its close is the last trade at or before b.
        Assert.Equal(60, table.Rows);
        using var probe = new ParquetProbe(_context.FullPath(table.Table));
        var rows = probe.Rows("SELECT time_us // 1000, last_update_id, bid_price, ask_depth, close, trade_id FROM {t} ORDER BY time_us");
        Assert.Equal(FakeBookExchange.OriginMs + 200, (long)rows[0][0]!);
        foreach (var row in rows)
        {
            var k = (int)(((long)row[0]! - FakeBookExchange.OriginMs) / 100);
            var seen = Math.Min(k, 60);
            Assert.Equal(_exchange.Finals[seen], (long)row[1]!);
            Close(Expected(seen).Bid, row[2]);
            Close(Expected(seen).AskDepth5, row[3]);
            Close(FakeAggTradeServer.TradePrice(seen), row[4]);
            Assert.Equal(seen, (long)row[5]!);
        }
    }

    [Fact]
    public async Task Forever_is_refused_outside_the_service_before_anything_connects()
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => new BinanceBookStep().ExecuteAsync(Record("forever"), _context, CancellationToken.None));

        Assert.Equal("duration", error.Input);
        Assert.Contains("pipelines serve", error.Message);
        Assert.Equal(0, _exchange.ConnectionAttempts);
    }

    [Fact]
    public async Task Served_forever_records_until_the_service_stops_it_and_the_open_segment_is_written_whole()
    {
        _context.Settings = new WorkspaceSettings { Served = true };
        using var stop = new CancellationTokenSource();
        var run = new BinanceBookStep().ExecuteAsync(Record("forever"), _context, stop.Token);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_exchange.ConnectionAttempts < 2) await Task.Delay(20, guard.Token);
        Assert.False(run.IsCompleted);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var segments = BookSegment.List(Path.Combine(_context.WorkspaceRoot, "data/book"), "BTCUSDT");
        Assert.NotEmpty(segments);
        Assert.Equal(60, segments.Sum(s => BookSegmentQuality.Read(s.FilePath(BookSegmentFormat.Quality)).DepthEvents));
    }

    [Theory]
    [InlineData("duration", "ten minutes")]
    [InlineData("duration", "0s")]
    [InlineData("symbol", "10m")]
    public async Task Bad_recording_inputs_are_refused_naming_the_input(string input, string duration)
    {
        var inputs = Record(duration) with { Symbol = input == "symbol" ? "BTC/USDT" : "BTCUSDT" };

        var error = await Assert.ThrowsAsync<StepInputException>(() => new BinanceBookStep().ExecuteAsync(inputs, _context, CancellationToken.None));

        Assert.Equal(input, error.Input);
    }

    [Theory]
    [InlineData("every", "soon")]
    [InlineData("every", "0.5ms")]
    [InlineData("end", "1s")]
    [InlineData("root", "1s")]
    public async Task Bad_reading_inputs_are_refused_naming_the_input(string input, string every)
    {
        var inputs = new BookSnapshotsInputs
        {
            Symbol = "BTCUSDT", Every = every,
            Start = input == "end" ? "2026-03-02T00:00:00Z" : null, End = input == "end" ? "2026-03-01T00:00:00Z" : null,
        };

        var error = await Assert.ThrowsAsync<StepInputException>(() => new BookSnapshotsStep().ExecuteAsync(inputs, _context, CancellationToken.None));

        Assert.Equal(input, error.Input);
    }

    [Fact]
    public async Task A_failing_attempt_is_restarted_after_the_jittered_backoff_doubling_each_time()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        using var stop = new CancellationTokenSource();
        var started = new SemaphoreSlim(0);
        var run = RestartingRunner.RunAsync(async token =>
        {
            Interlocked.Increment(ref attempts);
            started.Release();
            if (Volatile.Read(ref attempts) <= 2) throw new IOException("disk full");
            await Task.Delay(Timeout.Infinite, token);
        }, new JitteredBackoff(TimeSpan.FromSeconds(4), TimeSpan.FromMinutes(1), () => 0.0), time, Logger.None, "recording", null, stop.Token);

        await started.WaitAsync(TimeSpan.FromSeconds(30));
        await AssertNextAttemptAfterAsync(time, started, () => attempts, TimeSpan.FromSeconds(4));
        await AssertNextAttemptAfterAsync(time, started, () => attempts, TimeSpan.FromSeconds(8));
        await stop.CancelAsync();

        Assert.Equal(2, await run);
        Assert.Equal(3, attempts);
    }

    private static async Task AssertNextAttemptAfterAsync(FakeTimeProvider time, SemaphoreSlim started, Func<int> attempts, TimeSpan delay)
    {
        var before = attempts();
        // The failed attempt's backoff timer is set on the same thread right after it throws; give it a moment.
        await Task.Delay(100);
        time.Advance(delay - TimeSpan.FromTicks(1));
        Assert.False(await started.WaitAsync(200));
        Assert.Equal(before, attempts());
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
