using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Monitoring;

/// <summary>
/// Win rate of a trading signal: over the decisions that took a side (signal ≠ 0) and whose realised return moved
/// (r ≠ 0), the share where signal and return have the same sign (signal·r &gt; 0). Decisions that stayed flat, or whose
/// price did not move, neither win nor lose and are left out of both counts.
/// </summary>
public static class WinRate
{
    /// <returns>Wins and trials (the decisions counted); the rate is wins / trials when trials &gt; 0.</returns>
    public static (long Wins, long Trials) Count(ReadOnlySpan<double> signal, ReadOnlySpan<double> returns)
    {
        InputGuard.SameLength(signal, nameof(signal), returns, nameof(returns));
        long wins = 0, trials = 0;
        for (int i = 0; i < signal.Length; i++)
        {
            double product = signal[i] * returns[i];
            if (product == 0 || double.IsNaN(product)) continue;
            trials++;
            if (product > 0) wins++;
        }
        return (wins, trials);
    }
}
