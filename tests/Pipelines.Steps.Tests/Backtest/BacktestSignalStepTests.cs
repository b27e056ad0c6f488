using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Steps.Backtest;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Validate;

namespace Pipelines.Steps.Tests.Backtest;

public sealed class BacktestSignalStepTests : IDisposable
{
    private const double Day = 86_400_000;
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    // Ten daily bars and a probability per bar, written down by hand.
    private static readonly double[] TenCloses = [100, 101, 99, 102, 103, 101, 100, 104, 105, 103];
    private static readonly double[] TenPredictions = [0.7, 0.3, 0.5, 0.8, 0.2, 0.6, 0.4, 0.9, 0.1, 0.5];

    private Artifact Table(double[] closes, double[] predictions, double firstTime = 1_677_628_800_000, double spacing = Day) =>
        TableFiles.Parquet(_context, ["open_time", "close", "prediction"],
            closes.Select((c, i) => new double?[] { firstTime + i * spacing, c, predictions[i] }));

    private BacktestOutputs Run(BacktestInputs inputs) => new BacktestSignalStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private static BacktestInputs Policy(Artifact data) => new()
    {
        Data = data, PredictionColumn = "prediction", LongAbove = 0.55, ShortBelow = 0.45, FeeBps = 10, SlippageBps = 5, PeriodsPerYear = 365,
    };

    private JsonArray Bars(BacktestOutputs outputs) => JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Curves)))!["bars"]!.AsArray();

    /// <summary>Net per-bar returns of positions held over bars 1..n-1, each change paying <paramref name="cost"/> per unit traded.</summary>
    private static double[] NetReturns(double[] closes, double[] held, double cost)
    {
        var net = new double[held.Length];
        for (var i = 0; i < held.Length; i++)
        {
            var before = i == 0 ? 0 : held[i - 1];
            net[i] = held[i] * (closes[i + 1] - closes[i]) / closes[i] - Math.Abs(held[i] - before) * cost;
        }
        return net;
    }

    private static double SampleSharpe(double[] r, double perYear)
    {
        var mean = r.Average();
        var sd = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1));
        return mean / sd * Math.Sqrt(perYear);
    }

    /// <summary>Max drawdown by checking every pair of times (a peak, then a later trough), starting equity included.</summary>
    private static double PairwiseMaxDrawdown(double[] r)
    {
        var equity = new double[r.Length + 1];
        equity[0] = 1;
        for (var i = 0; i < r.Length; i++) equity[i + 1] = equity[i] * (1 + r[i]);
        double worst = 0;
        for (var peak = 0; peak < equity.Length; peak++)
            for (var trough = peak + 1; trough < equity.Length; trough++)
                worst = Math.Max(worst, (equity[peak] - equity[trough]) / equity[peak]);
        return worst;
    }

    private static double Annual(double[] r, double perYear) => Math.Pow(r.Aggregate(1.0, (g, x) => g * (1 + x)), perYear / r.Length) - 1;

    [Fact]
    public void Ten_bars_with_fees_give_the_hand_computed_positions_equity_and_every_metric()
    {
        var outputs = Run(Policy(Table(TenCloses, TenPredictions)));

        // The bar-t probability fills at bar t+1's close, so it is held over bar t+2: bar 1 is flat, bar k holds p[k-2].
        double[] held = [0, 1, -1, 0, 1, -1, 1, -1, 1];
        const double cost = 15 / 10_000.0;
        var net = NetReturns(TenCloses, held, cost);
        var bars = Bars(outputs);
        Assert.Equal(9, bars.Count);
        var equity = 1.0;
        for (var i = 0; i < 9; i++)
        {
            equity *= 1 + net[i];
            Assert.Equal(held[i], bars[i]!["position"]!.GetValue<double>());
            Assert.Equal(net[i], bars[i]!["return"]!.GetValue<double>(), 12);
            Assert.Equal(equity, bars[i]!["equity"]!.GetValue<double>(), 12);
        }

        var m = outputs.Result;
        Assert.Equal(SampleSharpe(net, 365), m.Sharpe, 9);
        var downside = Math.Sqrt(net.Sum(x => x < 0 ? x * x : 0) / net.Length);
        Assert.Equal(net.Average() / downside * Math.Sqrt(365), m.Sortino, 9);
        Assert.Equal(PairwiseMaxDrawdown(net), m.MaxDrawdown, 12);
        Assert.Equal(Annual(net, 365), m.AnnualReturn, 9);
        Assert.Equal(net.Count(x => x > 0) / (double)net.Count(x => x != 0), m.WinRate, 12);
        Assert.Equal(net.Where(x => x > 0).Sum() / -net.Where(x => x < 0).Sum(), m.ProfitFactor, 12);
        Assert.Equal(13.0 / 9, m.Turnover, 12); // |0-0|+|1-0|+|-1-1|+|0+1|+|1-0|+|-1-1|+|1+1|+|-1-1|+|1+1| = 13 units over 9 bars
        Assert.Equal(7.0 / 9, m.Exposure, 12); // bars 1 and 4 are flat
        Assert.Equal(8, m.Trades);
        Assert.Equal(9, m.Bars);
        Assert.Equal(9.0, m.Days, 12);

        var hold = TenCloses.Skip(1).Select((c, i) => c / TenCloses[i] - 1 - (i == 0 ? cost : 0)).ToArray();
        Assert.Equal(Annual(hold, 365), m.BuyAndHoldAnnualReturn, 9);
        Assert.Equal(SampleSharpe(hold, 365), m.BuyAndHoldSharpe, 9);
    }

    [Fact]
    public void A_signal_that_peeks_at_the_next_bar_never_trades_on_its_own_bar_and_earns_nothing_from_it()
    {
        // Returns alternate +1 %, -1 %; the "prediction" of bar t knows bar t+1's move. Filled on its own bar it would
        // win every bar; filled at the next bar it holds bar t+2, which always moves the other way.
        var closes = new double[40];
        closes[0] = 100;
        for (var i = 1; i < closes.Length; i++) closes[i] = closes[i - 1] * (i % 2 == 1 ? 1.01 : 0.99);
        var peeking = closes.Select((c, t) => t + 1 < closes.Length && closes[t + 1] > c ? 1.0 : 0.0).ToArray();

        var outputs = Run(Policy(Table(closes, peeking)) with { FeeBps = 0, SlippageBps = 0 });

        Assert.Equal(0, outputs.Result.WinRate);
        Assert.True(outputs.Result.AnnualReturn < 0, $"annual return {outputs.Result.AnnualReturn}");
    }

    [Fact]
    public void Changing_a_prediction_changes_nothing_before_the_bar_after_next()
    {
        var baseline = Bars(Run(Policy(Table(TenCloses, TenPredictions))));
        var changed = (double[])TenPredictions.Clone();
        changed[4] = 0.9; // was short (0.2): bar 4's signal fills at bar 5's close and is first held over bar 6
        var after = Bars(Run(Policy(Table(TenCloses, changed))));

        double Equity(JsonArray bars, int bar) => bars[bar - 1]!["equity"]!.GetValue<double>();
        for (var bar = 1; bar <= 5; bar++) Assert.Equal(Equity(baseline, bar), Equity(after, bar));
        Assert.NotEqual(Equity(baseline, 6), Equity(after, 6));
        Assert.Equal((-1.0, 1.0), (baseline[5]!["position"]!.GetValue<double>(), after[5]!["position"]!.GetValue<double>()));
    }

    [Fact]
    public void A_policy_that_never_crosses_a_threshold_stays_flat_and_pays_nothing()
    {
        var outputs = Run(Policy(Table(TenCloses, TenPredictions)) with { LongAbove = 2, ShortBelow = -1 });

        var m = outputs.Result;
        Assert.All(Bars(outputs), b => Assert.Equal(1.0, b!["equity"]!.GetValue<double>()));
        Assert.Equal((0.0, 0.0, 0.0, 0, 0.0, 0.0), (m.AnnualReturn, m.Sharpe, m.MaxDrawdown, m.Trades, m.Exposure, m.Turnover));
        Assert.Equal((0.0, 0.0), (m.SharpeLower, m.SharpeUpper));
        Assert.Equal((0.0, 0.0), (m.AnnualReturnLower, m.AnnualReturnUpper));
        Assert.NotEqual(0, m.BuyAndHoldAnnualReturn);
    }

    [Fact]
    public void Sizing_by_confidence_grows_linearly_beyond_the_threshold_up_to_the_cap()
    {
        double[] predictions = [0.65, 0.95, 0.50, 0.40, 0.05, 0.5];
        double[] closes = [100, 101, 102, 103, 104, 105];
        var outputs = Run(Policy(Table(closes, predictions)) with { MaxPosition = 0.5, FullSizeMargin = 0.2 });

        // 0.65: 0.1 past 0.55 of a 0.2 margin → half of 0.5; 0.95: past the margin → the cap; 0.40: 0.05 below 0.45 → -0.125.
        double[] expected = [0, 0.25, 0.5, 0, -0.125];
        var positions = Bars(outputs).Select(b => b!["position"]!.GetValue<double>()).ToArray();
        Assert.Equal(expected.Length, positions.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], positions[i], 12);
    }

    [Fact]
    public void The_bootstrap_interval_is_seeded_and_contains_the_point_estimates()
    {
        var random = new Random(7);
        var closes = new double[400];
        closes[0] = 100;
        for (var i = 1; i < closes.Length; i++) closes[i] = closes[i - 1] * (1 + 0.0005 + 0.01 * (random.NextDouble() - 0.5));
        var predictions = closes.Select(_ => random.NextDouble()).ToArray();
        var inputs = Policy(Table(closes, predictions)) with { Seed = 11 };

        var first = Run(inputs);
        var second = Run(inputs);
        var m = first.Result;

        Assert.InRange(m.Sharpe, m.SharpeLower, m.SharpeUpper);
        Assert.InRange(m.AnnualReturn, m.AnnualReturnLower, m.AnnualReturnUpper);
        Assert.True(m.SharpeUpper > m.SharpeLower);
        Assert.Equal(m, second.Result);
        Assert.NotEqual(m.SharpeLower, Run(inputs with { Seed = 12 }).Result.SharpeLower);
        Assert.Contains("stationary bootstrap", first.BootstrapMethod);
        Assert.Contains("mean block 8 bars", first.BootstrapMethod); // ⌈399^(1/3)⌉
    }

    [Fact]
    public async Task The_gate_reads_the_backtest_metrics_including_an_interval_bound()
    {
        var outputs = Run(Policy(Table(TenCloses, TenPredictions)));
        var gate = await new GateStep().ExecuteAsync(new GateInputs
        {
            Metrics = outputs.Metrics,
            Require =
            [
                new GateRequirement { Metric = "max_drawdown", Max = outputs.Result.MaxDrawdown },
                new GateRequirement { Metric = "sharpe_lower", Min = outputs.Result.SharpeLower + 1 },
            ],
        }, _context, default);

        Assert.False(gate.Passed);
        Assert.StartsWith("max_drawdown", gate.Reasons[0]);
        Assert.Contains("meets", gate.Reasons[0]);
        Assert.Contains("FAILS", gate.Reasons[1]);
    }

    [Fact]
    public void A_timestamp_with_time_zone_orders_the_bars_and_measures_the_days_even_when_rows_are_stored_out_of_order()
    {
        var staged = _context.StageArtifact("table", "parquet");
        using (var connection = ParquetTableWriter.OpenScratch())
        {
            var rows = string.Join(", ", TenCloses.Select((c, i) => FormattableString.Invariant(
                $"(TIMESTAMPTZ '2023-03-01 00:00:00+00' + INTERVAL {i * 6} HOUR, {c}, {TenPredictions[i]})")).Reverse());
            connection.Execute($"COPY (SELECT * FROM (VALUES {rows}) AS t(open_time, close, prediction)) TO '{staged.Path}' (FORMAT parquet)");
        }
        var outputs = Run(Policy(_context.CommitArtifact(staged)));
        var daily = Run(Policy(Table(TenCloses, TenPredictions)));

        Assert.Equal(9 * 6 / 24.0, outputs.Result.Days, 12);
        Assert.Equal(daily.Result.Sharpe, outputs.Result.Sharpe, 12);
        Assert.Equal(daily.Result.Trades, outputs.Result.Trades);
    }

    [Theory]
    [InlineData("prediction_column", "prediction_column")]
    [InlineData("price_column", "price_column")]
    [InlineData("time_column", "time_column")]
    [InlineData("crossed", "short_below")]
    [InlineData("fee", "fee_bps")]
    [InlineData("slippage", "slippage_bps")]
    [InlineData("no_side", "long_above")]
    [InlineData("periods", "periods_per_year")]
    public void Bad_input_is_refused_naming_the_field(string fault, string field)
    {
        var inputs = Policy(Table(TenCloses, TenPredictions));
        inputs = fault switch
        {
            "prediction_column" => inputs with { PredictionColumn = "p_up" },
            "price_column" => inputs with { PriceColumn = "last" },
            "time_column" => inputs with { TimeColumn = "ts" },
            "crossed" => inputs with { LongAbove = 0.4, ShortBelow = 0.6 },
            "fee" => inputs with { FeeBps = -1 },
            "slippage" => inputs with { SlippageBps = -0.5 },
            "no_side" => inputs with { LongAbove = null, ShortBelow = null },
            "periods" => inputs with { PeriodsPerYear = 0 },
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        var error = Assert.Throws<StepInputException>(() => Run(inputs));
        Assert.Equal(field, error.Input);
    }

    [Fact]
    public void A_row_without_a_price_is_refused_naming_the_price_column()
    {
        var closes = (double[])TenCloses.Clone();
        closes[3] = double.NaN;
        var error = Assert.Throws<StepInputException>(() => Run(Policy(Table(closes, TenPredictions))));
        Assert.Equal("price_column", error.Input);
        Assert.Contains("row 4", error.Message);
    }
}
