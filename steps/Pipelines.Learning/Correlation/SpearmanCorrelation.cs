using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Correlation;

/// <summary>
/// Spearman's rank correlation: Pearson's r of the ranks of x and of y, where rank 1 is the smallest value and tied
/// values share the mean of the ranks they span (so a tie of the 2nd and 3rd smallest gives both 2.5). With no ties
/// this equals 1 - 6 Σ d_i² / (n (n² - 1)); with ties the Pearson-of-ranks form is the exact one. NaN when n &lt; 2
/// or either sample is constant.
/// </summary>
public static class SpearmanCorrelation
{
    public static double Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        InputGuard.SameLength(x, nameof(x), y, nameof(y));
        InputGuard.Finite(x, nameof(x));
        InputGuard.Finite(y, nameof(y));
        return PearsonCorrelation.Compute(Ranks(x), Ranks(y));
    }

    /// <summary>1-based ranks, ties given their mean rank.</summary>
    public static double[] Ranks(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        var keys = values.ToArray();
        Array.Sort(keys, order);
        var ranks = new double[n];
        var start = 0;
        while (start < n)
        {
            var end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            var mean = (start + 1 + end) / 2.0; // ranks start+1..end
            for (var k = start; k < end; k++) ranks[order[k]] = mean;
            start = end;
        }
        return ranks;
    }
}
