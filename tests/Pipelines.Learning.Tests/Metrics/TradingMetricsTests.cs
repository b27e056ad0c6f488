using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Tests.Metrics;

public class TradingMetricsTests
{
    // signal  1     1     -1    0     1
    // returns 0.01 -0.02  0.03  0.05  0.02
    // strategy returns = signal * returns = 0.01, -0.02, -0.03, 0, 0.02
    private static readonly double[] Signal = [1, 1, -1, 0, 1];
    private static readonly double[] Returns = [0.01, -0.02, 0.03, 0.05, 0.02];
    private static readonly double[] Strategy = [0.01, -0.02, -0.03, 0.0, 0.02];

    [Fact]
    public void Strategy_returns_pair_each_signal_with_the_return_of_its_period()
    {
        double[] strategy = TradingMetrics.StrategyReturns(Signal, Returns);
        for (int t = 0; t < Strategy.Length; t++)
            Assert.Equal(Strategy[t], strategy[t], 15);
    }

    [Fact]
    public void Sharpe_uses_sample_deviation_and_annualises_by_square_root()
    {
        // mean = -0.02/5 = -0.004
        // squared deviations: 0.000196, 0.000256, 0.000676, 0.000016, 0.000576 -> sum 0.00172
        // sd = sqrt(0.00172/4) = 0.0207364; Sharpe(252) = -0.004/0.0207364 * sqrt(252) = -3.0621470
        double expected = -0.004 / Math.Sqrt(0.00172 / 4) * Math.Sqrt(252);
        Assert.Equal(expected, TradingMetrics.SharpeRatio(Strategy, 252), 10);
        Assert.Equal(-3.0621469896, TradingMetrics.SharpeRatio(Strategy, 252), 8);
    }

    [Fact]
    public void Sortino_divides_by_downside_deviation_over_all_periods()
    {
        // shortfalls squared: 0.0004 + 0.0009 = 0.0013; downside = sqrt(0.0013/5) = 0.0161245
        // Sortino(252) = -0.004/0.0161245 * sqrt(252) = -3.9379807
        Assert.Equal(-3.9379807399, TradingMetrics.SortinoRatio(Strategy, 252), 8);
    }

    [Fact]
    public void Max_drawdown_is_measured_on_compounded_equity()
    {
        // equity: 1.01, 0.9898, 0.960106, 0.960106, 0.97930812; peak 1.01
        // worst = (1.01 - 0.960106)/1.01 = 0.0494000
        Assert.Equal((1.01 - 1.01 * 0.98 * 0.97) / 1.01, TradingMetrics.MaxDrawdown(Strategy), 12);
        Assert.Equal(0.0494, TradingMetrics.MaxDrawdown(Strategy), 12);
    }

    [Fact]
    public void Max_drawdown_counts_a_fall_from_the_starting_capital()
    {
        // equity 0.9 then 0.99: the starting 1.0 is the peak -> 0.1
        Assert.Equal(0.1, TradingMetrics.MaxDrawdown([-0.1, 0.1]), 12);
    }

    [Fact]
    public void Annualised_return_is_geometric()
    {
        // growth = 1.01*0.98*0.97*1*1.02 = 0.97930812; annualised = growth^(252/5) - 1
        Assert.Equal(Math.Pow(0.97930812, 252.0 / 5.0) - 1.0, TradingMetrics.AnnualisedReturn(Strategy, 252), 10);
        // 1 % per month for 12 months is 12.68 % a year, not 12 %
        double[] monthly = Enumerable.Repeat(0.01, 12).ToArray();
        Assert.Equal(Math.Pow(1.01, 12) - 1.0, TradingMetrics.AnnualisedReturn(monthly, 12), 12);
    }

    [Fact]
    public void Win_rate_profit_factor_and_turnover_match_hand_values()
    {
        // active periods (non-zero): 0.01, -0.02, -0.03, 0.02 -> 2 wins of 4
        Assert.Equal(0.5, TradingMetrics.WinRate(Strategy), 12);
        // gains 0.03, losses 0.05
        Assert.Equal(0.6, TradingMetrics.ProfitFactor(Strategy), 12);
        // |1-0| + |1-1| + |-1-1| + |0+1| + |1-0| = 1+0+2+1+1 = 5 over 5 periods
        Assert.Equal(1.0, TradingMetrics.Turnover(Signal), 12);
    }

    [Fact]
    public void Profit_factor_without_losses_is_infinite()
    {
        Assert.Equal(double.PositiveInfinity, TradingMetrics.ProfitFactor([0.01, 0.0]));
        Assert.Equal(0.0, TradingMetrics.ProfitFactor([0.0, 0.0]));
    }

    [Fact]
    public void Evaluate_gathers_every_metric()
    {
        var performance = TradingMetrics.Evaluate(Signal, Returns, 252);
        Assert.Equal(TradingMetrics.SharpeRatio(Strategy, 252), performance.SharpeRatio, 12);
        Assert.Equal(0.0494, performance.MaxDrawdown, 12);
        Assert.Equal(0.6, performance.ProfitFactor, 12);
        Assert.Equal(1.0, performance.Turnover, 12);
        Assert.Equal(5, performance.Periods);
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        Assert.Equal("returns",
            Assert.Throws<ArgumentException>(() => TradingMetrics.StrategyReturns([1.0, 1.0], [0.1])).ParamName);
        Assert.Equal("returns",
            Assert.Throws<ArgumentException>(() => TradingMetrics.Evaluate([1.0, 1.0], [0.1, double.NaN], 252)).ParamName);
        Assert.Equal("periodReturns",
            Assert.Throws<ArgumentException>(() => TradingMetrics.MaxDrawdown([])).ParamName);
        Assert.Equal("periodsPerYear",
            Assert.Throws<ArgumentOutOfRangeException>(() => TradingMetrics.SharpeRatio([0.1, 0.2], 0)).ParamName);
    }
}
