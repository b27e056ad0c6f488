using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Steps.Backtest;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;
using System.Text.Json.Nodes;

namespace Pipelines.Steps.Tests.Backtest;

/// <summary>Walk-forward folds traded one by one and stitched, the returns table, spreads from the data, and ticks.</summary>
public sealed class BacktestFoldsAndCostsTests : IDisposable
{
    private const double Day = 86_400_000;
    private const double March1 = 1_677_628_800_000; // 2023-03-01T00:00:00Z
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private BacktestOutputs Run(BacktestInputs inputs) => new BacktestSignalStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private static double Sharpe(double[] r, double perYear)
    {
        var mean = r.Average();
        return mean / Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1)) * Math.Sqrt(perYear);
    }

    /// <summary>Net returns of one fold written out by hand's rule: bar k holds the target of prediction k-2.</summary>
    private static double[] FoldReturns(double[] closes, double[] predictions, double cost)
    {
        var net = new double[closes.Length - 1];
        double before = 0;
        for (var k = 1; k < closes.Length; k++)
        {
            var held = k < 2 ? 0 : predictions[k - 2] > 0.55 ? 1 : predictions[k - 2] < 0.45 ? -1 : 0;
            net[k - 1] = held * (closes[k] / closes[k - 1] - 1) - Math.Abs(held - before) * cost;
            before = held;
        }
        return net;
    }

    [Fact]
    public void Folds_from_a_predictions_table_are_traded_one_by_one_from_flat_and_stitched_in_order()
    {
        // Twelve bars; rows 0-1 were trained on, rows 2-6 are fold 1, row 7 a gap, rows 8-11 the holdout (fold 2).
        double[] closes = [90, 95, 100, 102, 99, 101, 104, 110, 108, 107, 111, 112];
        var data = TableFiles.Parquet(_context, ["open_time", "close"], closes.Select((c, i) => new double?[] { March1 + i * Day, c }));
        (int Row, int Fold, double P)[] predicted =
            [(2, 1, 0.9), (3, 1, 0.1), (4, 1, 0.6), (5, 1, 0.8), (6, 1, 0.7), (8, 2, 0.2), (9, 2, 0.9), (10, 2, 0.3), (11, 2, 0.6)];
        // Stored out of order: the step orders by fold, then time.
        var predictions = TableFiles.Parquet(_context, ["source_row", "fold", "prediction"], predicted.Reverse().Select(p => new double?[] { p.Row, p.Fold, p.P }));

        var outputs = Run(new BacktestInputs
        {
            Data = data, Predictions = predictions, PredictionColumn = "prediction", LongAbove = 0.55, ShortBelow = 0.45, FeeBps = 10, PeriodsPerYear = 365,
        });

        const double cost = 10 / 10_000.0;
        var first = FoldReturns([100, 102, 99, 101, 104], [0.9, 0.1, 0.6, 0.8, 0.7], cost);
        var second = FoldReturns([108, 107, 111, 112], [0.2, 0.9, 0.3, 0.6], cost);
        double[] stitched = [.. first, .. second];
        var m = outputs.Result;
        Assert.Equal(2, outputs.Folds);
        Assert.Equal(7, m.Bars);
        Assert.Equal(4 + 3, m.Days, 12);
        Assert.Equal(Sharpe(stitched, 365), m.Sharpe, 9);
        Assert.Equal(Math.Pow(stitched.Aggregate(1.0, (g, r) => g * (1 + r)), 365.0 / 7) - 1, m.AnnualReturn, 9);

        var metrics = JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Metrics)))!;
        var perFold = metrics["walk_forward"]!["per_fold"]!.AsArray();
        Assert.Equal([1L, 2L], perFold.Select(f => f!["fold"]!.GetValue<long>()));
        Assert.Equal(Sharpe(first, 365), perFold[0]!["sharpe"]!.GetValue<double>(), 9);
        Assert.Equal(Sharpe(second, 365), perFold[1]!["sharpe"]!.GetValue<double>(), 9);
        Assert.Equal((Sharpe(first, 365) + Sharpe(second, 365)) / 2, metrics["walk_forward"]!["mean"]!["sharpe"]!.GetValue<double>(), 9);
        Assert.Contains("2 fold(s) stitched, 7 bars over 7 days", (string)metrics["sample"]!);

        // The second fold starts flat: its first bar holds nothing though fold 1 ended long.
        var bars = JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Curves)))!["bars"]!.AsArray();
        Assert.Equal(1.0, bars[3]!["position"]!.GetValue<double>());
        Assert.Equal((2L, 0.0), (bars[4]!["fold"]!.GetValue<long>(), bars[4]!["position"]!.GetValue<double>()));
    }

    [Fact]
    public void The_monthly_returns_table_compounds_each_months_bars_beside_buy_and_hold()
    {
        // Daily bars from 27 February to 4 March 2023: bars ending in February (28th) and March (1st-4th).
        double[] closes = [100, 101, 103, 102, 104, 105, 103];
        double[] predictions = [0.9, 0.9, 0.1, 0.9, 0.5, 0.9, 0.9];
        var start = March1 - 2 * Day;
        var data = TableFiles.Parquet(_context, ["open_time", "close", "prediction"], closes.Select((c, i) => new double?[] { start + i * Day, c, predictions[i] }));

        var outputs = Run(new BacktestInputs { Data = data, PredictionColumn = "prediction", LongAbove = 0.55, ShortBelow = 0.45, FeeBps = 20, PeriodsPerYear = 365 });

        var net = FoldReturns(closes, predictions, 20 / 10_000.0);
        var hold = closes.Skip(1).Select((c, i) => c / closes[i] - 1 - (i == 0 ? 0.002 : 0)).ToArray();
        using var connection = ParquetTableWriter.OpenScratch();
        var rows = new List<(string, long, long, double, double)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT period, bars, trades, strategy_return, buy_and_hold_return FROM read_parquet('{_context.FullPath(outputs.Returns)}') ORDER BY period";
            using var reader = command.ExecuteReader();
            while (reader.Read()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4)));
        }
        // Bar 1 ends 28 Feb (flat, no trade); bars 2-6 end 1-5 March holding long, long, short, long, flat: 4 changes.
        Assert.Equal(2, rows.Count);
        Assert.Equal(("2023-02", 1L, 0L), (rows[0].Item1, rows[0].Item2, rows[0].Item3));
        Assert.Equal(net[0], rows[0].Item4, 12);
        Assert.Equal(hold[0], rows[0].Item5, 12);
        Assert.Equal(("2023-03", 5L, 4L), (rows[1].Item1, rows[1].Item2, rows[1].Item3));
        Assert.Equal(net.Skip(1).Aggregate(1.0, (g, r) => g * (1 + r)) - 1, rows[1].Item4, 12);
        Assert.Equal(103.0 / 101 - 1, rows[1].Item5, 12);
    }

    [Fact]
    public void A_spread_column_charges_half_the_spread_at_the_fill_price_on_every_change()
    {
        double[] closes = [100, 101, 99, 102, 103];
        double[] predictions = [0.9, 0.1, 0.9, 0.9, 0.9];
        double[] spreads = [0.2, 0.4, 0.1, 0.3, 0.2];
        var data = TableFiles.Parquet(_context, ["open_time", "close", "prediction", "spread"],
            closes.Select((c, i) => new double?[] { March1 + i * Day, c, predictions[i], spreads[i] }));

        var outputs = Run(new BacktestInputs
        {
            Data = data, PredictionColumn = "prediction", SpreadColumn = "spread", LongAbove = 0.55, ShortBelow = 0.45, FeeBps = 10, PeriodsPerYear = 365,
        });

        // Bar 2 goes long, filled at close 101 (spread 0.4); bar 3 flips short at 99 (0.1); bar 4 long at 102 (0.3).
        double[] expected =
        [
            0,
            (99.0 / 101 - 1) - 1 * (0.001 + 0.4 / (2 * 101)),
            -(102.0 / 99 - 1) - 2 * (0.001 + 0.1 / (2 * 99)),
            (103.0 / 102 - 1) - 2 * (0.001 + 0.3 / (2 * 102)),
        ];
        var bars = JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Curves)))!["bars"]!.AsArray();
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], bars[i]!["return"]!.GetValue<double>(), 12);
        // Buy-and-hold enters once at close 100, paying the fee and half of the 0.2 spread there.
        Assert.Equal(Math.Pow((1 + 1.0 / 100 - 0.001 - 0.001) * (99.0 / 101) * (102.0 / 99) * (103.0 / 102), 365.0 / 4) - 1, outputs.Result.BuyAndHoldAnnualReturn, 9);
    }

    [Fact]
    public void Ticks_at_uneven_times_are_annualised_by_the_ticks_a_year_measured_from_their_span()
    {
        // Trades at uneven microsecond times over 90 seconds, from a TIMESTAMP column as ingest writes ticks.
        var random = new Random(5);
        var offsetsUs = new long[60];
        for (var i = 1; i < offsetsUs.Length; i++) offsetsUs[i] = offsetsUs[i - 1] + 1 + random.Next(3_000_000);
        var prices = new double[60];
        prices[0] = 23_000;
        for (var i = 1; i < prices.Length; i++) prices[i] = prices[i - 1] + random.Next(-5, 6) * 0.5;
        var predictions = prices.Select(_ => random.NextDouble()).ToArray();
        var staged = _context.StageArtifact("table", "parquet");
        using (var connection = ParquetTableWriter.OpenScratch())
        {
            var rows = string.Join(", ", Enumerable.Range(0, 60).Select(i => FormattableString.Invariant(
                $"(make_timestamp({1_677_628_800_000_000L + offsetsUs[i]}), {prices[i]}, {predictions[i]})")));
            connection.Execute($"COPY (SELECT * FROM (VALUES {rows}) AS t(time, price, prediction)) TO '{staged.Path}' (FORMAT parquet)");
        }

        var outputs = Run(new BacktestInputs
        {
            Data = _context.CommitArtifact(staged), TimeColumn = "time", PriceColumn = "price", PredictionColumn = "prediction", LongAbove = 0.6, ShortBelow = 0.4,
            FeeBps = 0,
        });

        var days = offsetsUs[^1] / 1e6 / 86_400;
        var perYear = 59 / (days / 365.25);
        var net = new double[59];
        for (var k = 1; k < 60; k++)
        {
            var held = k < 2 ? 0 : predictions[k - 2] > 0.6 ? 1 : predictions[k - 2] < 0.4 ? -1 : 0;
            net[k - 1] = held * (prices[k] / prices[k - 1] - 1);
        }
        // Times travel as epoch milliseconds in doubles: good to a fraction of a microsecond, so compare relatively.
        Assert.Equal(1, outputs.Result.Days / days, 8);
        Assert.Equal(1, outputs.Result.PeriodsPerYear / perYear, 8);
        Assert.Equal(1, outputs.Result.Sharpe / Sharpe(net, perYear), 8);
    }

    [Fact]
    public void Predictions_without_source_rows_are_refused_naming_the_input()
    {
        var data = TableFiles.Parquet(_context, ["open_time", "close"], Enumerable.Range(0, 5).Select(i => new double?[] { March1 + i * Day, 100 + i }));
        var predictions = TableFiles.Parquet(_context, ["row", "prediction"], Enumerable.Range(0, 5).Select(i => new double?[] { i, 0.7 }));

        var error = Assert.Throws<StepInputException>(() => Run(new BacktestInputs
        {
            Data = data, Predictions = predictions, PredictionColumn = "prediction", LongAbove = 0.55, PeriodsPerYear = 365,
        }));

        Assert.Equal("predictions", error.Input);
        Assert.Contains("source_row", error.Message);
    }

    [Fact]
    public void A_fold_too_short_to_trade_is_refused_naming_the_fold()
    {
        var data = TableFiles.Parquet(_context, ["open_time", "close", "prediction", "fold"],
            Enumerable.Range(0, 6).Select(i => new double?[] { March1 + i * Day, 100 + i, 0.7, i < 4 ? 1 : 2 }));

        var error = Assert.Throws<StepInputException>(() => Run(new BacktestInputs { Data = data, PredictionColumn = "prediction", LongAbove = 0.55, PeriodsPerYear = 365 }));

        Assert.Equal("fold_column", error.Input);
        Assert.Contains("fold 2: 2 row(s)", error.Message);
    }

    [Fact]
    public void A_signal_that_knows_the_next_move_of_a_random_walk_earns_nothing_once_it_must_wait_for_its_fill()
    {
        // Independent moves: knowing bar t+1's move at bar t would win every bar if the trade filled at bar t's own
        // close; filled at bar t+1's close it holds bar t+2, whose move the signal knows nothing about.
        var random = new Random(21);
        var closes = new double[3000];
        closes[0] = 100;
        for (var i = 1; i < closes.Length; i++) closes[i] = closes[i - 1] * (random.Next(2) == 0 ? 1.002 : 0.998);
        var peeking = closes.Select((c, t) => t + 1 < closes.Length && closes[t + 1] > c ? 0.9 : 0.1).ToArray();
        var data = TableFiles.Parquet(_context, ["open_time", "close", "prediction"], closes.Select((c, i) => new double?[] { March1 + i * 60_000, c, peeking[i] }));

        var outputs = Run(new BacktestInputs { Data = data, PredictionColumn = "prediction", LongAbove = 0.55, ShortBelow = 0.45, FeeBps = 0, PeriodsPerYear = 525_600 });

        var returns = JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Curves)))!["bars"]!.AsArray().Select(b => b!["return"]!.GetValue<double>()).ToArray();
        var mean = returns.Average();
        var standardError = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Length - 1) / returns.Length);
        Assert.InRange(mean, -3 * standardError, 3 * standardError);
        Assert.InRange(outputs.Result.WinRate, 0.45, 0.55);
        // The same positions on the bar they peeked at would have gained 0.2 % on every bar.
        Assert.All(Enumerable.Range(0, closes.Length - 1), t => Assert.True((peeking[t] > 0.5 ? 1 : -1) * (closes[t + 1] / closes[t] - 1) > 0));
    }
}
