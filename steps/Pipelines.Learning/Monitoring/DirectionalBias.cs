using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Monitoring;

/// <summary>
/// Directional bias, as Quantum Trader's model supervisor watches it: the share of long signals minus the share of
/// rows whose realised return was up, over the same n rows: bias = #{signal &gt; 0}/n - #{r &gt; 0}/n. The short share
/// is #{signal &lt; 0}/n. A bias near 0 means the model goes long about as often as the market rose; a large positive
/// bias is a model stuck long in a market that is not.
/// </summary>
public readonly record struct DirectionalBias(double LongShare, double ShortShare, double UpShare)
{
    public double Bias => LongShare - UpShare;

    public static DirectionalBias Of(ReadOnlySpan<double> signal, ReadOnlySpan<double> returns)
    {
        InputGuard.SameLength(signal, nameof(signal), returns, nameof(returns));
        InputGuard.NotEmpty(signal, nameof(signal));
        long longs = 0, shorts = 0, ups = 0;
        for (int i = 0; i < signal.Length; i++)
        {
            if (signal[i] > 0) longs++;
            else if (signal[i] < 0) shorts++;
            if (returns[i] > 0) ups++;
        }
        double n = signal.Length;
        return new DirectionalBias(longs / n, shorts / n, ups / n);
    }
}
