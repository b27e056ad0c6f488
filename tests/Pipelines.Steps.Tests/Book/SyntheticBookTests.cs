using DuckDB.NET.Data;
using Pipelines.Steps.Book;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Book;

public sealed class SyntheticBookTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipelines-book-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static MinuteBar[] Bars => MinuteBarCsv.Read(RepositoryFiles.SampleKlines);

    private SyntheticBookSummary Generate(int bars, ulong seed = 7, string? root = null) =>
        new SyntheticBookGenerator(Bars, new SyntheticBookOptions { MaxBars = bars, Seed = seed }).Write(root ?? _root);

    [Fact]
    public void Three_hours_of_bars_make_three_complete_hourly_segments_and_nothing_half_written()
    {
        var summary = Generate(180);

        Assert.Equal(3, summary.Segments);
        var segments = BookSegment.List(_root, "BTCUSDT").Select(segment => segment.Directory).ToArray();
        Assert.Equal(["2023030100", "2023030101", "2023030102"], segments.Select(Path.GetFileName));
        Assert.Equal(segments.Length, Directory.GetDirectories(summary.SymbolDirectory).Length);
        foreach (var segment in segments)
            foreach (var file in new[] { "depth.parquet", "snapshots.parquet", "trades.parquet", "book_ticker.parquet", "quality.json" })
                Assert.True(File.Exists(Path.Combine(segment, file)), $"{segment} lacks {file}");
        Assert.Equal(180 * 12, summary.DepthEvents);
        Assert.Equal(180 * 16, summary.Trades);
    }

    [Fact]
    public void Generated_segments_carry_the_recorders_quality_report_marked_synthetic_and_never_add_a_part_to_an_existing_hour()
    {
        var summary = Generate(60);

        var segment = Assert.Single(BookSegment.List(_root, "BTCUSDT"));
        var quality = BookSegmentQuality.Read(segment.FilePath(BookSegmentFormat.Quality));
        Assert.Equal((SyntheticBookGenerator.Source, "BTCUSDT", "2023030100"), (quality.Source, quality.Symbol, quality.Segment));
        Assert.Equal((summary.DepthEvents, summary.Trades, true), (quality.DepthEvents, quality.Trades, quality.CarriedSnapshot));
        Assert.Equal(summary.DepthEvents, quality.BookTickers);

        var e = Assert.Throws<IOException>(() => Generate(60));
        Assert.Contains("exists already", e.Message);
        Assert.Equal([segment.Directory], Directory.GetDirectories(summary.SymbolDirectory));
    }

    [Fact]
    public void Update_ids_run_on_without_a_gap_across_segments_and_each_segment_starts_from_its_snapshot()
    {
        Generate(150);
        using var connection = ParquetTableWriter.OpenScratch();
        var depth = $"read_parquet('{_root}/BTCUSDT/*/depth.parquet', filename = true)";
        var events = $"(SELECT DISTINCT first_update_id, final_update_id, exchange_time_us FROM {depth})";
        Assert.Equal(0L, connection.Scalar<long>($"""
            SELECT count(*) FROM (SELECT first_update_id, lag(final_update_id) OVER (ORDER BY first_update_id) AS previous FROM {events})
            WHERE previous IS NOT NULL AND first_update_id <> previous + 1
            """));
        Assert.Equal(0L, connection.Scalar<long>($"SELECT count(*) FROM {events} WHERE final_update_id < first_update_id"));
        // Exchange time rises with the update ids, so time order and id order agree.
        Assert.Equal(0L, connection.Scalar<long>($"""
            SELECT count(*) FROM (SELECT exchange_time_us, lag(exchange_time_us) OVER (ORDER BY first_update_id) AS previous FROM {events})
            WHERE exchange_time_us <= previous
            """));
        // A segment's snapshot is as of the update just before its first event.
        Assert.Equal(0L, connection.Scalar<long>($"""
            WITH s AS (SELECT DISTINCT regexp_extract(filename, '([0-9]+)/[a-z_]+[.]parquet$', 1) AS segment, last_update_id
                       FROM read_parquet('{_root}/BTCUSDT/*/snapshots.parquet', filename = true)),
                 d AS (SELECT regexp_extract(filename, '([0-9]+)/[a-z_]+[.]parquet$', 1) AS segment, min(first_update_id) AS first FROM {depth} GROUP BY 1)
            SELECT count(*) FROM s JOIN d USING (segment) WHERE d.first <> s.last_update_id + 1
            """));
    }

    [Fact]
    public void The_replayed_book_equals_a_book_rebuilt_by_brute_force_from_the_first_snapshot_and_every_later_change()
    {
        Generate(120);
        var data = BookReplayData.Load(_root, "BTCUSDT");
        var replay = new BookReplay(data);

        using var connection = ParquetTableWriter.OpenScratch();
        var bids = new Dictionary<long, long>();
        var asks = new Dictionary<long, long>();
        var first = connection.Scalar<long>($"SELECT min(last_update_id) FROM read_parquet('{_root}/BTCUSDT/*/snapshots.parquet')");
        foreach (var row in connection.Rows($"SELECT side, price_units, quantity_units FROM read_parquet('{_root}/BTCUSDT/*/snapshots.parquet') WHERE last_update_id = {first}"))
            ((string)row[0]! == "bid" ? bids : asks)[(long)row[1]!] = (long)row[2]!;
        var changes = connection.Rows($"""
            SELECT exchange_time_us, side, price_units, quantity_units FROM read_parquet('{_root}/BTCUSDT/*/depth.parquet')
            WHERE side IS NOT NULL ORDER BY final_update_id
            """);
        var checkpoints = new[] { data.EventTimes[10], data.EventTimes[data.EventCount / 2], data.EventTimes[^1] };
        var next = 0;
        foreach (var time in checkpoints)
        {
            for (; next < changes.Count && (long)changes[next][0]! <= time; next++)
            {
                var side = (string)changes[next][1]! == "bid" ? bids : asks;
                var (price, quantity) = ((long)changes[next][2]!, (long)changes[next][3]!);
                if (quantity == 0) side.Remove(price);
                else side[price] = quantity;
            }
            replay.AdvanceTo(time);
            Assert.True(replay.Book.IsSynchronised);
            Assert.Equal(bids.OrderByDescending(l => l.Key).Select(l => new PriceLevel(l.Key, l.Value)), replay.Book.Bids.Levels.ToArray());
            Assert.Equal(asks.OrderBy(l => l.Key).Select(l => new PriceLevel(l.Key, l.Value)), replay.Book.Asks.Levels.ToArray());
        }
        Assert.Equal(0, replay.Gaps);
    }

    [Fact]
    public void The_same_bars_options_and_seed_give_the_same_segments_and_another_seed_does_not()
    {
        var again = Path.Combine(_root, "again");
        var other = Path.Combine(_root, "other");
        Generate(60, seed: 3, root: Path.Combine(_root, "first"));
        Generate(60, seed: 3, root: again);
        Generate(60, seed: 4, root: other);
        using var connection = ParquetTableWriter.OpenScratch();
        long Differences(string a, string b, string file) => connection.Scalar<long>(
            $"SELECT count(*) FROM ((SELECT * FROM read_parquet('{a}/BTCUSDT/*/{file}')) EXCEPT ALL (SELECT * FROM read_parquet('{b}/BTCUSDT/*/{file}')))");
        foreach (var file in new[] { "depth.parquet", "trades.parquet", "snapshots.parquet", "book_ticker.parquet" })
            Assert.Equal(0L, Differences(Path.Combine(_root, "first"), again, file));
        Assert.True(Differences(Path.Combine(_root, "first"), other, "depth.parquet") > 0);
    }

    [Fact]
    public void Trades_happen_at_the_best_quote_of_their_side_and_the_bid_stays_below_the_ask()
    {
        Generate(90);
        var data = BookReplayData.Load(_root, "BTCUSDT");
        using var connection = ParquetTableWriter.OpenScratch();
        var (rows, outOfSync) = BookSnapshotTable.Build(connection, "snapshots", data, interval: null);
        // The book counts as in sync from the first event after the snapshot, so the one trade before it has no row.
        Assert.Equal(1, outOfSync);
        Assert.Equal(data.Trades.Length - 1L, rows);
        Assert.Equal(rows, connection.Scalar<long>("SELECT count(*) FROM snapshots"));
        Assert.Equal(0L, connection.Scalar<long>("SELECT count(*) FROM snapshots WHERE bid_price >= ask_price"));
        Assert.Equal(0L, connection.Scalar<long>("SELECT count(*) FROM snapshots WHERE (sell_volume = 0 AND price <> ask_price) OR (buy_volume = 0 AND price <> bid_price)"));
        Assert.Equal(0L, connection.Scalar<long>("SELECT count(*) FROM snapshots WHERE abs(bid_depth - (bid_qty_1 + bid_qty_2 + bid_qty_3 + bid_qty_4 + bid_qty_5)) > 1e-9"));
    }

    [Fact]
    public void Interval_snapshots_sum_each_intervals_trades_as_a_bar()
    {
        Generate(30);
        var data = BookReplayData.Load(_root, "BTCUSDT");
        using var connection = ParquetTableWriter.OpenScratch();
        BookSnapshotTable.Build(connection, "snapshots", data, TimeSpan.FromSeconds(10));
        Assert.Equal(30 * 6, connection.Scalar<long>("SELECT count(*) FROM snapshots"));
        var total = data.Trades.Sum(t => t.Quantity);
        Assert.Equal(total, connection.Scalar<double>("SELECT sum(volume) FROM snapshots"), 1e-6);
        Assert.Equal(0L, connection.Scalar<long>("SELECT count(*) FROM snapshots WHERE time_us % 10000000 <> 0"));
    }

    [Fact]
    public void Replaying_a_synchronised_book_allocates_nothing_per_event()
    {
        Generate(120);
        var data = BookReplayData.Load(_root, "BTCUSDT");
        var replay = new BookReplay(data);
        var row = new double[BookColumns.Count];
        replay.AdvanceTo(data.EventTimes[100]);
        BookColumns.Fill(replay.Book, row);
        var perRound = (data.EventCount - 101) / AllocationCounter.DefaultRounds;
        var allocated = AllocationCounter.LeastPerRound(round =>
        {
            for (var i = 101 + round * perRound; i < 101 + (round + 1) * perRound; i++)
            {
                replay.AdvanceTo(data.EventTimes[i]);
                BookColumns.Fill(replay.Book, row);
            }
        });
        Assert.True(replay.Events > 1000);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticBookGenerator(Bars, new SyntheticBookOptions { LevelsPerSide = 5 }));
        Assert.Equal("LevelsPerSide", e.ParamName);
        Assert.Throws<ArgumentException>(() => new SyntheticBookGenerator(Bars, new SyntheticBookOptions { Symbol = "../x" }));
    }

    [Fact]
    public void A_directory_without_segments_is_reported_with_its_path()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => BookReplayData.Load(_root, "ETHUSDT"));
        Assert.Contains(Path.Combine(_root, "ETHUSDT"), e.Message);
    }

    [Fact]
    public async Task The_step_replaces_its_own_segments_but_refuses_to_delete_a_recorded_book()
    {
        using var context = new TestStepContext();
        var bars = Path.Combine(context.WorkspaceRoot, "bars.csv");
        File.Copy(RepositoryFiles.SampleKlines, bars);
        var inputs = new SyntheticBookInputs
        {
            Bars = new Pipelines.Abstractions.WorkspacePath("bars.csv", bars, new Pipelines.Abstractions.Artifact(new string('0', 64), "source", "csv", 1, "bars.csv")),
            Out = "data/book", MaxBars = 90,
        };
        var first = await new SyntheticBookStep().ExecuteAsync(inputs, context, default);
        var again = await new SyntheticBookStep().ExecuteAsync(inputs with { MaxBars = 60 }, context, default);
        Assert.Equal((2, 1), (first.Segments, again.Segments));
        Assert.Single(Directory.GetDirectories(Path.Combine(context.WorkspaceRoot, "data", "book", "BTCUSDT")));

        var recorded = Path.Combine(context.WorkspaceRoot, "data", "book", "BTCUSDT", "2023030100", "quality.json");
        File.WriteAllText(recorded, """{ "events": 3, "gaps": 0 }""");
        var e = await Assert.ThrowsAsync<Pipelines.Abstractions.StepInputException>(() => new SyntheticBookStep().ExecuteAsync(inputs, context, default));
        Assert.Equal("out", e.Input);
        Assert.True(File.Exists(recorded));
        var outside = await Assert.ThrowsAsync<Pipelines.Abstractions.StepInputException>(() => new SyntheticBookStep().ExecuteAsync(inputs with { Out = "../x" }, context, default));
        Assert.Equal("out", outside.Input);
        var levels = await Assert.ThrowsAsync<Pipelines.Abstractions.StepInputException>(() => new SyntheticBookStep().ExecuteAsync(inputs with { Levels = 3 }, context, default));
        Assert.Equal("levels", levels.Input);
    }
}
