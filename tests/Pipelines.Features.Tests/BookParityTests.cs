using Pipelines.Learning.Features;
using Pipelines.Steps.Book;
using Pipelines.Steps.Features;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Ticks;
using Xunit.Abstractions;
using Pipelines.Testing;

namespace Pipelines.Features.Tests;

/// <summary>
/// Book features computed in batch (SQL over the table of book snapshots) and streaming (the evaluator over rows
/// filled from a live <see cref="LocalOrderBook"/>, as the tick path does) agree, and both agree with independent
/// computations from the book's levels.
/// </summary>
public sealed class BookParityTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-9;
    private readonly string _root = Directory.CreateTempSubdirectory("pipelines-book-parity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly string[] BookFeatureNames =
    [
        "mid", "microprice", "spread_bps", "bid_depth_1", "bid_depth_5", "ask_depth_20", "bid_depth_quote_5", "ask_depth_quote_10",
        "book_imbalance_1", "book_imbalance_5", "book_imbalance_5_20", "book_pressure_5", "book_pressure_10_50",
        "bid_depth_within_2bps", "ask_depth_within_5bps", "order_imbalance_20", "bid_pressure_20", "trade_flow_imbalance_20", "ret_1",
    ];

    private BookReplayData Book(int bars)
    {
        new SyntheticBookGenerator(MinuteBarCsv.Read(BundledBars.CsvPath), new SyntheticBookOptions { MaxBars = bars, Seed = 11 }).Write(_root);
        return BookReplayData.Load(_root, "BTCUSDT");
    }

    [Fact]
    public void Batch_sql_over_book_snapshots_and_streaming_from_the_local_book_agree_at_every_trade()
    {
        var features = FeatureSet.FromNames(BookFeatureNames, "time_us");
        var data = Book(240);
        using var connection = ParquetTableWriter.OpenScratch();
        BookSnapshotTable.Build(connection, "snapshots", data, interval: null);
        var select = BatchFeaturizer.Prepare(connection, "snapshots", features);
        var columns = string.Join(", ", features.Names.Select(SqlText.Identifier));
        var batch = connection.Rows($"SELECT {columns} FROM ({select})").Select(r => r.Select(v => v is null ? double.NaN : (double)v).ToArray()).ToArray();

        // Streaming: the tick path's row (tick columns, then the book's) filled after merging book events up to each trade.
        var inputColumns = TickColumns.Names.Concat(BookColumns.Names).ToArray();
        var evaluator = new StreamingFeatureEvaluator(features, inputColumns);
        var replay = new BookReplay(data);
        var row = new double[inputColumns.Length];
        var maxDifference = new double[features.Names.Count];
        var t = 0;
        foreach (var trade in data.Trades)
        {
            replay.AdvanceTo(trade.TimeMicros);
            if (!replay.Book.IsSynchronised) continue;
            TickColumns.Fill(in trade, row);
            BookColumns.Fill(replay.Book, row.AsSpan(TickColumns.Names.Count));
            var streamed = evaluator.Update(row);
            for (var f = 0; f < streamed.Length; f++)
            {
                var expected = batch[t][f];
                if (double.IsNaN(expected) || double.IsNaN(streamed[f]))
                {
                    Assert.True(double.IsNaN(expected) && double.IsNaN(streamed[f]), $"{features.Names[f]} row {t}: batch {expected}, streaming {streamed[f]}");
                    continue;
                }
                maxDifference[f] = Math.Max(maxDifference[f], Math.Abs(expected - streamed[f]) / Math.Max(1.0, Math.Abs(expected)));
            }
            t++;
        }
        Assert.Equal(batch.Length, t);
        Assert.True(t > 3000);
        for (var f = 0; f < maxDifference.Length; f++)
            output.WriteLine($"{features.Names[f],-24} max relative |batch - streaming| = {maxDifference[f]:E2}");
        for (var f = 0; f < maxDifference.Length; f++)
            Assert.True(maxDifference[f] <= Tolerance, $"{features.Names[f]} differs by {maxDifference[f]:E3}");
        for (var f = 0; f < features.Definitions.Count; f++)
        {
            var leadingNulls = 0;
            while (double.IsNaN(batch[leadingNulls][f])) leadingNulls++;
            Assert.True(features.Definitions[f].WarmUpRows == leadingNulls, $"{features.Names[f]}: {leadingNulls} leading NULLs, documented {features.Definitions[f].WarmUpRows}");
        }
    }

    [Fact]
    public void Streaming_book_features_equal_the_books_own_statistics_and_a_brute_force_count_of_depth_near_the_mid()
    {
        var features = FeatureSet.FromNames(
            ["mid", "microprice", "spread_bps", "bid_depth_5", "ask_depth_quote_5", "book_imbalance_5", "book_pressure_5", "bid_depth_within_3bps", "ask_depth_within_3bps"], "time_us");
        var data = Book(60);
        var evaluator = new StreamingFeatureEvaluator(features, BookColumns.Names);
        var replay = new BookReplay(data);
        var row = new double[BookColumns.Count];
        var checkedRows = 0;
        var partial = 0;
        for (var i = 0; i < data.EventCount; i++)
        {
            replay.AdvanceTo(data.EventTimes[i]);
            if (!replay.Book.IsSynchronised) continue;
            BookColumns.Fill(replay.Book, row);
            var values = evaluator.Update(row);
            var stats = BookFeatures.Of(replay.Book, 5);
            Close(stats.Mid, values[0], "mid");
            Close(stats.Microprice, values[1], "microprice");
            Close(stats.SpreadBps, values[2], "spread_bps");
            Close(stats.BidDepth, values[3], "bid_depth_5");
            Close(stats.AskDepthQuote, values[4], "ask_depth_quote_5");
            Close(stats.OrderImbalance, values[5], "book_imbalance_5");
            Close(stats.BidPressure, values[6], "book_pressure_5");
            // Brute force in exact units over the 20 levels a row carries: |price − mid| ≤ mid · 3 / 10,000.
            var bids = replay.Book.Bids.Levels;
            var asks = replay.Book.Asks.Levels;
            var midTwice = (decimal)bids[0].Price + asks[0].Price;
            decimal Within(ReadOnlySpan<PriceLevel> side)
            {
                decimal sum = 0;
                for (var k = 0; k < Math.Min(20, side.Length); k++)
                    if (Math.Abs(2 * (decimal)side[k].Price - midTwice) * 10_000 <= midTwice * 3) sum += side[k].Quantity;
                return sum / FixedPointDecimal.Scale;
            }
            Close((double)Within(bids), values[7], "bid_depth_within_3bps");
            Close((double)Within(asks), values[8], "ask_depth_within_3bps");
            // The band cuts through the 20 levels, so the boundary comparison is exercised, not all-or-nothing.
            var all20 = row[BookColumns.Names.ToList().IndexOf("bid_qty_1")..][..20].ToArray().Sum();
            if (values[7] > 0 && values[7] < all20) partial++;
            checkedRows++;
        }
        Assert.True(checkedRows > 500);
        Assert.True(partial > checkedRows / 2, $"only {partial} of {checkedRows} rows had some but not all bid levels within 3 bps");
    }

    private static void Close(double expected, double actual, string name) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{name}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void Updating_book_features_from_the_local_book_allocates_nothing()
    {
        var features = FeatureSet.FromNames(BookFeatureNames, "time_us");
        var data = Book(60);
        var inputColumns = TickColumns.Names.Concat(BookColumns.Names).ToArray();
        var evaluator = new StreamingFeatureEvaluator(features, inputColumns);
        var replay = new BookReplay(data);
        var row = new double[inputColumns.Length];
        void Step(int t)
        {
            replay.AdvanceTo(data.Trades[t].TimeMicros);
            TickColumns.Fill(in data.Trades[t], row);
            BookColumns.Fill(replay.Book, row.AsSpan(TickColumns.Names.Count));
            evaluator.Update(row);
        }
        for (var t = 0; t < 100; t++) Step(t);
        var perRound = (data.Trades.Length - 100) / AllocationCounter.DefaultRounds;
        var allocated = AllocationCounter.LeastPerRound(round =>
        {
            for (var t = 100 + round * perRound; t < 100 + (round + 1) * perRound; t++) Step(t);
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Book_feature_names_spell_out_their_level_columns_and_refuse_more_levels_than_a_row_carries()
    {
        var depth = Assert.Single(FeatureNames.Parse("ask_depth_quote_3"));
        Assert.Equal(FeatureKind.BookDepthQuote, depth.Kind);
        Assert.Equal(["ask_price_1", "ask_price_2", "ask_price_3", "ask_qty_1", "ask_qty_2", "ask_qty_3"], depth.Inputs);
        var rolling = Assert.Single(FeatureNames.Parse("book_imbalance_2_30"));
        Assert.Equal((FeatureKind.BookImbalance, 30, 29), (rolling.Kind, rolling.Window, rolling.WarmUpRows));
        Assert.Equal(["bid_qty_1", "bid_qty_2", "ask_qty_1", "ask_qty_2"], rolling.Inputs);
        var within = Assert.Single(FeatureNames.Parse("bid_depth_within_10bps"));
        Assert.Equal((10, 0, 42), (within.Window, within.WarmUpRows, within.Inputs.Count));
        var e = Assert.Throws<FeatureDefinitionException>(() => FeatureNames.Parse("bid_depth_21"));
        Assert.Contains("1 to 20 levels", e.Message);
        var odd = Assert.Throws<FeatureDefinitionException>(() => FeatureDefinition.Create("x", FeatureKind.BookImbalance, ["bid_qty_1", "bid_qty_2", "ask_qty_1"], 1));
        Assert.Contains("got 3 input(s)", odd.Message);
        // Stored definitions round-trip through JSON, so the tick path rebuilds the same book features.
        var set = FeatureSet.FromNames(BookFeatureNames, "time_us");
        Assert.Equal(set.Definitions, FeatureSet.FromJson(set.ToJson()).Definitions, new DefinitionComparer());
    }

    private sealed class DefinitionComparer : IEqualityComparer<FeatureDefinition>
    {
        public bool Equals(FeatureDefinition? a, FeatureDefinition? b) =>
            a!.Name == b!.Name && a.Kind == b.Kind && a.Window == b.Window && a.Inputs.SequenceEqual(b.Inputs);

        public int GetHashCode(FeatureDefinition d) => d.Name.GetHashCode();
    }
}
