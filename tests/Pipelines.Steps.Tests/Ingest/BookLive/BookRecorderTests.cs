using Microsoft.Extensions.Time.Testing;
using Pipelines.Steps.Book;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Ticks;
using Pipelines.Steps.Ticks;
using static Pipelines.Steps.Tests.Ingest.Book.BookTestData;

namespace Pipelines.Steps.Tests.Ingest.BookLive;

public sealed class BookRecorderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Boundary = new(2026, 3, 1, 11, 0, 0, TimeSpan.Zero);
    private FakeBookExchange _exchange = null!;
    private readonly HttpClient _http = new();
    private readonly string _root = Directory.CreateTempSubdirectory("book-recorder-").FullName;

    public async Task InitializeAsync() => _exchange = await FakeBookExchange.StartAsync(seed: 5, eventCount: 80);

    public async Task DisposeAsync()
    {
        await _exchange.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>
    /// Records the exchange's stream with the clock frozen <paramref name="beforeBoundary"/> ahead of an hour: receive
    /// stamps then step one microsecond per message, so the recording crosses into the next hour part way through.
    /// </summary>
    private async Task<(BinanceBookStream Stream, RecordingSink Live, BookRecorder Recorder)> RecordAsync(TimeSpan beforeBoundary)
    {
        var time = new FakeTimeProvider(Boundary - beforeBoundary);
        var options = new BookStreamOptions
        {
            Symbol = "BTCUSDT",
            BaseUri = _exchange.StreamUri,
            RestBaseUri = _exchange.RestUri,
            Time = time,
            ConnectTimeout = TimeSpan.FromDays(1),
            ReceiveTimeout = TimeSpan.FromDays(1),
        };
        var stream = new BinanceBookStream(options, _http);
        var recorder = new BookRecorder(_root, "BTCUSDT");
        var live = new RecordingSink(recorder);
        using var stop = new CancellationTokenSource();
        var run = stream.RunAsync(live, stop.Token);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (live.SyncedAt != _exchange.Finals[^1] && !run.IsCompleted) await Task.Delay(10, guard.Token);
        await stop.CancelAsync();
        await run;
        return (stream, live, recorder);
    }

    [Fact]
    public async Task The_recorded_segments_replay_to_exactly_the_books_seen_live_across_an_hour_a_gap_and_a_malformed_message()
    {
        _exchange.SnapshotsAt(0, 25);
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(1, 20), ["{\"stream\":1}"], _exchange.Stream(22, 80));
        var (stream, live, recorder) = await RecordAsync(TimeSpan.FromMicroseconds(150));

        var segments = recorder.Complete();
        // The tick path's replay, stepped one snapshot or event at a time: the book after each update id it reaches.
        var replay = new BookReplay(BookReplayData.Load(_root, "btcusdt"));
        var replayed = new Dictionary<long, (Dictionary<long, long> Bids, Dictionary<long, long> Asks)>();
        while (replay.ReplayNext())
        {
            if (replay.Book.IsSynchronised || !replayed.ContainsKey(replay.Book.LastUpdateId))
                replayed[replay.Book.LastUpdateId] = (
                    replay.Book.Bids.Levels.ToArray().ToDictionary(l => l.Price, l => l.Quantity),
                    replay.Book.Asks.Levels.ToArray().ToDictionary(l => l.Price, l => l.Quantity));
        }

        Assert.Equal(["2026030110", "2026030111"], segments.Select(s => s.Name));
        Assert.Equal(segments.Select(s => s.Directory), BookSegment.List(_root, "BTCUSDT").Select(s => s.Directory));
        Assert.Equal((1L, 1L, 1L), (stream.Counters.Gaps, stream.Counters.Resyncs, stream.Counters.Malformed));
        // Every book the live stream was in sync at (more than 60 of them) is in the replay, level for level.
        Assert.True(live.Books.Count > 60, $"{live.Books.Count} live books");
        foreach (var (id, book) in live.Books)
        {
            Assert.True(replayed.TryGetValue(id, out var again), $"update {id} was not reached in the replay");
            Assert.Equal(Side(book.Bids, bids: true), Side(again.Bids, bids: true));
            Assert.Equal(Side(book.Asks, bids: false), Side(again.Asks, bids: false));
        }
        Assert.Equal(_exchange.Finals[^1], replay.Book.LastUpdateId);
        Assert.True(replay.Book.IsSynchronised);
        Assert.Equal(
            live.Trades.Select(t => new Tick(t.AggTradeId, t.ExchangeTimeMicros, FixedPointDecimal.ToDouble(t.Price), FixedPointDecimal.ToDouble(t.Quantity), t.BuyerIsMaker)),
            replay.Data.Trades);
        // Book tickers are not replayed (nothing downstream reads them) but are recorded whole, in order.
        var recordedTickers = segments.SelectMany(segment =>
        {
            using var tickers = new ParquetProbe(segment.FilePath(BookSegmentFormat.BookTicker));
            return tickers.Rows("SELECT update_id, bid_price_units, bid_quantity_units, ask_price_units, ask_quantity_units, receive_time_us FROM {t}")
                .Select(r => new BookTicker((long)r[0]!, (long)r[1]!, (long)r[2]!, (long)r[3]!, (long)r[4]!, (long)r[5]!)).ToList();
        });
        Assert.Equal(live.Tickers, recordedTickers);

        var first = BookSegmentQuality.Read(segments[0].FilePath(BookSegmentFormat.Quality));
        var second = BookSegmentQuality.Read(segments[1].FilePath(BookSegmentFormat.Quality));
        Assert.Equal(79, first.DepthEvents + second.DepthEvents);
        Assert.Equal(79 * 3, first.Events + second.Events);
        Assert.Equal((1L, 1L, 1L, 2L), (first.Gaps, first.Resyncs, first.Malformed, first.Snapshots));
        Assert.Equal((0L, 0L, 0L, 0L, true), (second.Gaps, second.Resyncs, second.Malformed, second.Snapshots, second.CarriedSnapshot));
        Assert.Equal(_exchange.Finals[^1], second.LastUpdateId);
        Assert.Equal(FakeBookExchange.OriginMs * 1000 + 80 * 100_000, second.LastExchangeTimeUs);
        Assert.True(first.LastReceiveTimeUs < second.FirstReceiveTimeUs);
    }

    [Fact]
    public async Task The_files_hold_the_shared_format_columns_and_every_level_of_every_event()
    {
        _exchange.SnapshotsAt(0);
        _exchange.Enqueue(ConnectionEnd.StayOpen, _exchange.Stream(1, 80));
        var (_, _, recorder) = await RecordAsync(TimeSpan.FromHours(1));

        var segment = Assert.Single(recorder.Complete());

        using (var depth = new ParquetProbe(segment.FilePath(BookSegmentFormat.Depth)))
        {
            Assert.Equal(
                [("exchange_time_us", "BIGINT"), ("receive_time_us", "BIGINT"), ("first_update_id", "BIGINT"), ("final_update_id", "BIGINT"),
                 ("side", "VARCHAR"), ("price_units", "BIGINT"), ("quantity_units", "BIGINT")],
                depth.Schema());
            var expectedRows = _exchange.Events.Sum(e => Math.Max(1, e.Bids.Count + e.Asks.Count));
            Assert.Equal(expectedRows, depth.Scalar<long>("SELECT count(*) FROM {t}"));
            Assert.Equal(80, depth.Scalar<long>("SELECT count(DISTINCT final_update_id) FROM {t}"));
            var withoutLevels = _exchange.Events.Count(e => e.Bids.Count + e.Asks.Count == 0);
            Assert.Equal(withoutLevels, depth.Scalar<long>("SELECT count(*) FROM {t} WHERE side IS NULL"));
            var e7 = _exchange.Events[6];
            Assert.Equal(
                e7.Bids.Select(l => ("bid", l.Price, l.Quantity)).Concat(e7.Asks.Select(l => ("ask", l.Price, l.Quantity))),
                depth.Rows($"SELECT side, price_units, quantity_units FROM {{t}} WHERE final_update_id = {e7.Final}")
                    .Select(r => ((string)r[0]!, (long)r[1]!, (long)r[2]!)));
        }
        using (var snapshots = new ParquetProbe(segment.FilePath(BookSegmentFormat.Snapshots)))
        {
            Assert.Equal(
                [("receive_time_us", "BIGINT"), ("last_update_id", "BIGINT"), ("side", "VARCHAR"), ("price_units", "BIGINT"), ("quantity_units", "BIGINT")],
                snapshots.Schema());
            Assert.Equal(_exchange.InitialBids.Count + _exchange.InitialAsks.Count, snapshots.Scalar<long>("SELECT count(*) FROM {t}"));
        }
        using (var trades = new ParquetProbe(segment.FilePath(BookSegmentFormat.Trades)))
        {
            Assert.Equal(
                [("exchange_time_us", "BIGINT"), ("receive_time_us", "BIGINT"), ("agg_trade_id", "BIGINT"), ("price_units", "BIGINT"),
                 ("quantity_units", "BIGINT"), ("buyer_is_maker", "BOOLEAN")],
                trades.Schema());
            Assert.Equal(FakeAggTradeServer.TradeTimeMs(3) * 1000, trades.Scalar<long>("SELECT exchange_time_us FROM {t} WHERE agg_trade_id = 3"));
        }
        using (var tickers = new ParquetProbe(segment.FilePath(BookSegmentFormat.BookTicker)))
            Assert.Equal(
                [("receive_time_us", "BIGINT"), ("update_id", "BIGINT"), ("bid_price_units", "BIGINT"), ("bid_quantity_units", "BIGINT"),
                 ("ask_price_units", "BIGINT"), ("ask_quantity_units", "BIGINT")],
                tickers.Schema());
        Assert.Empty(Directory.GetDirectories(Path.Combine(_root, "BTCUSDT"), ".*"));
    }

    [Fact]
    public void A_writer_that_never_closes_leaves_no_segment_and_a_closed_one_is_renamed_into_place_whole()
    {
        var hour = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);
        var micros = EpochTime.FromDateTime(hour);
        using (var abandoned = new BookSegmentWriter(_root, "BTCUSDT", hour))
            abandoned.AppendTrade(new RecordedTrade(1, micros, micros + 5, 100, 1, false));
        Assert.Empty(BookSegment.List(_root, "BTCUSDT"));

        var writer = new BookSegmentWriter(_root, "BTCUSDT", hour);
        writer.AppendTrade(new RecordedTrade(2, micros, micros + 6, 100, 1, true));
        var first = writer.Close();
        var again = new BookSegmentWriter(_root, "BTCUSDT", hour);
        again.AppendTrade(new RecordedTrade(3, micros, micros + 7, 100, 1, true));
        var second = again.Close();

        Assert.Equal(["2026030110", "2026030110-1"], BookSegment.List(_root, "BTCUSDT").Select(s => s.Name));
        Assert.Equal((0, 1), (first!.Part, second!.Part));
        Assert.Equal(5, Directory.GetFiles(first.Directory).Length);
        Assert.Equal(1, BookSegmentQuality.Read(second.FilePath(BookSegmentFormat.Quality)).Trades);
        Assert.Null(new BookSegmentWriter(_root, "BTCUSDT", hour).Close());
    }
}
