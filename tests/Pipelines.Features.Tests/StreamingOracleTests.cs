using Pipelines.Learning.Features;
using Pipelines.Testing;

namespace Pipelines.Features.Tests;

/// <summary>
/// The streaming kernels against independent computations: brute-force recomputation over each window, and
/// small hand-worked series for the recursive kinds.
/// </summary>
public sealed class StreamingOracleTests
{
    private static double[] Series(int length, int seed)
    {
        var random = new Random(seed);
        var values = new double[length];
        var price = 100.0;
        for (var i = 0; i < length; i++)
        {
            price *= 1 + (random.NextDouble() - 0.5) * 0.02;
            values[i] = price;
        }
        return values;
    }

    private static double[] Stream(FeatureDefinition definition, double[] xs)
    {
        var evaluator = new StreamingFeatureEvaluator(new FeatureSet([definition]));
        var result = new double[xs.Length];
        for (var i = 0; i < xs.Length; i++) result[i] = evaluator.Update([xs[i]])[0];
        return result;
    }

    [Theory]
    [InlineData(FeatureKind.Sma, 1)]
    [InlineData(FeatureKind.Sma, 7)]
    [InlineData(FeatureKind.Std, 2)]
    [InlineData(FeatureKind.Std, 9)]
    [InlineData(FeatureKind.ZScore, 5)]
    [InlineData(FeatureKind.Trend, 2)]
    [InlineData(FeatureKind.Trend, 11)]
    [InlineData(FeatureKind.RatioToMean, 4)]
    public void Rolling_kinds_match_a_recomputation_over_each_window(FeatureKind kind, int n)
    {
        var xs = Series(500, n);
        var streamed = Stream(FeatureDefinition.Create("f", kind, ["x"], n), xs);
        for (var t = 0; t < xs.Length; t++)
        {
            if (t < n - 1)
            {
                Assert.True(double.IsNaN(streamed[t]), $"row {t} should be warm-up");
                continue;
            }
            var window = xs[(t - n + 1)..(t + 1)];
            var mean = window.Sum() / n;
            var std = n > 1 ? Math.Sqrt(window.Sum(v => (v - mean) * (v - mean)) / (n - 1)) : double.NaN;
            // Slope by the textbook formula over positions 0..n-1.
            var meanPosition = (n - 1) / 2.0;
            var slope = n > 1
                ? Enumerable.Range(0, n).Sum(i => (i - meanPosition) * (window[i] - mean)) / Enumerable.Range(0, n).Sum(i => (i - meanPosition) * (i - meanPosition))
                : double.NaN;
            var expected = kind switch
            {
                FeatureKind.Sma => mean,
                FeatureKind.Std => std,
                FeatureKind.ZScore => (xs[t] - mean) / std,
                FeatureKind.Trend => slope,
                _ => xs[t] / mean,
            };
            Assert.True(Math.Abs(expected - streamed[t]) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"row {t}: expected {expected}, got {streamed[t]}");
        }
    }

    [Fact]
    public void Returns_compare_with_the_value_k_rows_back()
    {
        var xs = new[] { 100.0, 110.0, 99.0, 99.0, 121.0 };
        var ret2 = Stream(FeatureDefinition.Create("r", FeatureKind.Return, ["x"], 2), xs);
        var log1 = Stream(FeatureDefinition.Create("l", FeatureKind.LogReturn, ["x"], 1), xs);
        var roc1 = Stream(FeatureDefinition.Create("c", FeatureKind.RateOfChange, ["x"], 1), xs);
        Assert.True(double.IsNaN(ret2[1]));
        Assert.Equal(99.0 / 100.0 - 1, ret2[2], 15);   // -0.01
        Assert.Equal(121.0 / 99.0 - 1, ret2[4], 15);
        Assert.Equal(Math.Log(1.1), log1[1], 15);
        Assert.Equal(0.0, log1[3], 15);
        Assert.Equal(-10.0, roc1[2], 12);               // 99 after 110: -10 %
    }

    [Fact]
    public void Ema_is_seeded_with_the_first_value_and_uses_alpha_two_over_n_plus_one()
    {
        // N = 3 so alpha = 0.5: 10, then 10 + 0.5 (20 - 10) = 15, then 15 + 0.5 (0 - 15) = 7.5.
        var ema = Stream(FeatureDefinition.Create("e", FeatureKind.Ema, ["x"], 3), [10.0, 20.0, 0.0]);
        Assert.Equal([10.0, 15.0, 7.5], ema);
    }

    [Fact]
    public void Rsi_follows_wilder_from_the_mean_of_the_first_n_changes()
    {
        // N = 2. Changes: +2, -1, +3, 0.
        // Row 2: avg gain (2 + 0) / 2 = 1, avg loss (0 + 1) / 2 = 0.5, RS 2, RSI 100 - 100 / 3 = 66.666...
        // Row 3: gain (1 * 1 + 3) / 2 = 2, loss (0.5 * 1 + 0) / 2 = 0.25, RS 8, RSI 100 - 100 / 9 = 88.888...
        // Row 4: gain (2 + 0) / 2 = 1, loss 0.125, RS 8, RSI 88.888...
        var rsi = Stream(FeatureDefinition.Create("r", FeatureKind.Rsi, ["x"], 2), [10.0, 12.0, 11.0, 14.0, 14.0]);
        Assert.True(double.IsNaN(rsi[0]) && double.IsNaN(rsi[1]));
        Assert.Equal(200.0 / 3, rsi[2], 12);
        Assert.Equal(800.0 / 9, rsi[3], 12);
        Assert.Equal(800.0 / 9, rsi[4], 12);
        var flat = Stream(FeatureDefinition.Create("r", FeatureKind.Rsi, ["x"], 2), [5.0, 5.0, 5.0, 6.0]);
        Assert.Equal(50.0, flat[2]);
        Assert.Equal(100.0, flat[3]);
    }

    [Fact]
    public void Atr_uses_true_range_and_wilder_smoothing()
    {
        // Bars (high, low, close): (10, 8, 9), (12, 9, 11), (11, 7, 8), (9, 8, 8.5).
        // True ranges: 2 (first bar: high - low), max(3, |12-9|, |9-9|) = 3, max(4, |11-11|, |7-11|) = 4, max(1, |9-8|, |8-8|) = 1.
        // N = 2: ATR at row 1 = (2 + 3) / 2 = 2.5; row 2 = (2.5 + 4) / 2 = 3.25; row 3 = (3.25 + 1) / 2 = 2.125.
        var set = new FeatureSet([
            FeatureDefinition.Create("atr", FeatureKind.Atr, window: 2),
            FeatureDefinition.Create("natr", FeatureKind.Natr, window: 2)]);
        var evaluator = new StreamingFeatureEvaluator(set, ["high", "low", "close"]);
        double[][] bars = [[10, 8, 9], [12, 9, 11], [11, 7, 8], [9, 8, 8.5]];
        var atr = bars.Select(b => evaluator.Update(b).ToArray()).ToArray();
        Assert.True(double.IsNaN(atr[0][0]));
        Assert.Equal(2.5, atr[1][0], 12);
        Assert.Equal(3.25, atr[2][0], 12);
        Assert.Equal(2.125, atr[3][0], 12);
        Assert.Equal(100 * 2.125 / 8.5, atr[3][1], 12);
    }

    [Fact]
    public void Order_flow_features_follow_the_seed_formulas()
    {
        // Window 2 over bid/ask depths (3, 1), (5, 3): mean bid 4, mean ask 2, imbalance (4 - 2) / 6, pressure 4 / 6.
        // Buy/sell volume (1, 3), (2, 2): flow 3 / 8. Quotes bid 99, ask 101: spread 2 / 100 = 200 bps.
        var set = new FeatureSet([
            FeatureDefinition.Create("oi", FeatureKind.OrderImbalance, window: 2),
            FeatureDefinition.Create("bp", FeatureKind.BidPressure, window: 2),
            FeatureDefinition.Create("tfi", FeatureKind.TradeFlowImbalance, window: 2),
            FeatureDefinition.Create("spread", FeatureKind.SpreadBps)]);
        var evaluator = new StreamingFeatureEvaluator(set, ["bid_depth", "ask_depth", "buy_volume", "sell_volume", "bid_price", "ask_price"]);
        evaluator.Update([3, 1, 1, 3, 99, 101]);
        var values = evaluator.Update([5, 3, 2, 2, 99, 101]).ToArray();
        Assert.Equal(2.0 / 6, values[0], 15);
        Assert.Equal(4.0 / 6, values[1], 15);
        Assert.Equal(3.0 / 8, values[2], 15);
        Assert.Equal(200.0, values[3], 12);
    }

    [Fact]
    public void An_update_allocates_nothing()
    {
        var set = FeatureSet.FromNames(["ret_1", "logret_5", "roc_5", "sma_10", "ema_12", "std_30", "z_20", "trend_10", "rsi_14",
            "atr_14", "natr_14", "vol_z_20", "vol_ratio_20", "dollar_vol", "spread_x_vol", "volume_mean_10"]);
        var evaluator = new StreamingFeatureEvaluator(set);
        var row = new double[evaluator.InputColumns.Count];
        var xs = Series(20_000, 3);
        for (var t = 0; t < 100; t++) Fill(row, xs[t]);
        for (var t = 0; t < 100; t++) evaluator.Update(Fill(row, xs[t]));
        var perRound = (xs.Length - 100) / AllocationCounter.DefaultRounds;
        var allocated = AllocationCounter.LeastPerRound(round =>
        {
            for (var t = 100 + round * perRound; t < 100 + (round + 1) * perRound; t++) evaluator.Update(Fill(row, xs[t]));
        });
        Assert.Equal(0, allocated);
        Assert.False(double.IsNaN(evaluator.Current[set.Names.ToList().IndexOf("rsi_14")]));
    }

    private static double[] Fill(double[] row, double price)
    {
        for (var c = 0; c < row.Length; c++) row[c] = price * (1 + 0.001 * c);
        return row;
    }

    [Fact]
    public void Reset_starts_the_stream_over()
    {
        var evaluator = new StreamingFeatureEvaluator(FeatureSet.FromNames(["sma_3", "ema_3"]));
        var first = new[] { 1.0, 2.0, 3.0, 4.0 }.Select(x => evaluator.Update([x]).ToArray()).Last();
        evaluator.Reset();
        Assert.Equal(0, evaluator.Rows);
        var again = new[] { 1.0, 2.0, 3.0, 4.0 }.Select(x => evaluator.Update([x]).ToArray()).Last();
        Assert.Equal(first, again);
    }
}
