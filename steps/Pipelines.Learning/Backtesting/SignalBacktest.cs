using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Backtesting;

/// <summary>
/// Replays a model's predictions as trades on a price series, bar by bar, with no look-ahead. The prediction of bar t
/// is known only once bar t has closed, so the order it causes fills at the close of the next bar, t + 1 — never at
/// the price that produced the signal — and the position earns from bar t + 2 on. With closes c_0..c_{n-1}, the
/// per-bar return is r_k = c_k / c_{k-1} - 1 for k = 1..n-1; the position held over bar k is
/// pos_k = policy(prediction_{k-2}) for k ≥ 2 and pos_1 = 0 (nothing had been decided yet); the strategy's net return
/// is s_k = pos_k · r_k - |pos_k - pos_{k-1}| · (fee + slippage) / 10⁴, with pos_0 = 0: every change of position pays
/// costs in basis points of the notional traded, charged to the bar it opens. With a spread series (price units, the
/// bid-ask spread at each row) a change filled at c_{k-1} also pays half the spread there per unit traded,
/// spread_{k-1} / (2 · c_{k-1}). A position still open at the end is not closed out. Buy-and-hold holds 1 over bars
/// 1..n-1 and pays the same costs once, to enter at c_0.
/// </summary>
public static class SignalBacktest
{
    public sealed record Path(double[] BarReturns, double[] Positions, double[] StrategyReturns, double[] BuyAndHoldReturns, int Trades)
    {
        /// <summary>Share of bars with a position (long or short).</summary>
        public double Exposure => Positions.Count(p => p != 0) / (double)Positions.Length;
    }

    /// <param name="spreads">The bid-ask spread at each row in price units, or empty for none.</param>
    public static Path Run(ReadOnlySpan<double> closes, ReadOnlySpan<double> predictions, TradingPolicy policy, double feeBps, double slippageBps,
        ReadOnlySpan<double> spreads = default)
    {
        InputGuard.SameLength(closes, nameof(closes), predictions, nameof(predictions));
        if (!spreads.IsEmpty) InputGuard.SameLength(closes, nameof(closes), spreads, nameof(spreads));
        if (closes.Length < 3) throw new ArgumentException($"needs at least 3 bars (signal, fill, one bar held), got {closes.Length}", nameof(closes));
        var cost = (feeBps + slippageBps) / 10_000.0;
        var bars = closes.Length - 1;
        var barReturns = new double[bars];
        var positions = new double[bars];
        var strategy = new double[bars];
        var buyAndHold = new double[bars];
        double previous = 0;
        var trades = 0;
        for (var i = 0; i < bars; i++)
        {
            var k = i + 1;
            barReturns[i] = closes[k] / closes[k - 1] - 1;
            positions[i] = k >= 2 ? policy.Target(predictions[k - 2]) : 0;
            var traded = Math.Abs(positions[i] - previous);
            if (traded > 0) trades++;
            var halfSpread = spreads.IsEmpty ? 0 : spreads[k - 1] / (2 * closes[k - 1]);
            strategy[i] = positions[i] * barReturns[i] - traded * (cost + halfSpread);
            buyAndHold[i] = barReturns[i] - (i == 0 ? cost + halfSpread : 0);
            previous = positions[i];
        }
        return new Path(barReturns, positions, strategy, buyAndHold, trades);
    }
}
