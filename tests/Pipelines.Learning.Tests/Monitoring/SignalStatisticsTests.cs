using Pipelines.Learning.Monitoring;

namespace Pipelines.Learning.Tests.Monitoring;

/// <summary>Win rate, directional bias and the signal's Sharpe against brute-force recomputations of their definitions.</summary>
public sealed class SignalStatisticsTests
{
    private static (double[] Signal, double[] Returns) Sample(int n, int seed)
    {
        var random = new Random(seed);
        var signal = new double[n];
        var returns = new double[n];
        for (var i = 0; i < n; i++)
        {
            signal[i] = random.Next(3) - 1;                                      // -1, 0 or 1
            returns[i] = random.Next(10) == 0 ? 0 : random.NextDouble() - 0.48; // some flat prices
        }
        return (signal, returns);
    }

    [Fact]
    public void Win_rate_counts_only_decisions_that_took_a_side_on_a_moving_price()
    {
        var (wins, trials) = WinRate.Count([1, 1, -1, -1, 0, 1], [0.2, -0.1, -0.3, 0.0, 0.5, 0.1]);
        Assert.Equal(3, wins);   // rows 0, 2 and 5
        Assert.Equal(4, trials); // row 3 did not move, row 4 stayed flat
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Win_rate_agrees_with_counting_same_signed_pairs(int seed)
    {
        var (signal, returns) = Sample(500, seed);
        long expectedWins = 0, expectedTrials = 0;
        for (var i = 0; i < signal.Length; i++)
        {
            if (signal[i] == 0 || returns[i] == 0) continue;
            expectedTrials++;
            if (Math.Sign(signal[i]) == Math.Sign(returns[i])) expectedWins++;
        }
        Assert.Equal((expectedWins, expectedTrials), WinRate.Count(signal, returns));
    }

    [Fact]
    public void Directional_bias_is_the_long_share_less_the_up_share()
    {
        var bias = DirectionalBias.Of([1, 1, 1, -1, 0], [0.1, -0.2, -0.1, -0.3, 0.4]);
        Assert.Equal(0.6, bias.LongShare, 12);
        Assert.Equal(0.2, bias.ShortShare, 12);
        Assert.Equal(0.4, bias.UpShare, 12);
        Assert.Equal(0.2, bias.Bias, 12);
    }

    [Theory]
    [InlineData(4, 525_600)]
    [InlineData(5, 252)]
    public void The_signal_Sharpe_is_the_annualised_mean_over_the_sample_deviation_of_signal_times_return(int seed, double periodsPerYear)
    {
        var (signal, returns) = Sample(300, seed);
        var products = signal.Zip(returns, (s, r) => s * r).ToArray();
        var mean = products.Sum() / products.Length;
        var variance = products.Sum(p => (p - mean) * (p - mean)) / (products.Length - 1);
        var expected = mean / Math.Sqrt(variance) * Math.Sqrt(periodsPerYear);
        Assert.Equal(expected, SignalSharpe.Compute(signal, returns, periodsPerYear), 9);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => WinRate.Count([1, -1], [0.1]));
        Assert.ThrowsAny<ArgumentException>(() => DirectionalBias.Of([1], [0.1, 0.2]));
        Assert.ThrowsAny<ArgumentException>(() => SignalSharpe.Compute([1, 1, 1], [0.1, 0.2], 252));
    }
}
