namespace Pipelines.Learning.Trees;

/// <summary>
/// Maps one feature's values to histogram bins: bin b holds values in (UpperBounds[b-1], UpperBounds[b]], the last
/// value bin is open-ended, and NaN (when the training data had any) has its own bin after the value bins.
/// Bin upper bounds are the split thresholds, so "bin &lt;= t" and "x &lt;= UpperBounds[t]" agree.
/// </summary>
internal sealed class FeatureBinMapper
{
    private FeatureBinMapper(double[] upperBounds, bool hasNaNBin, double min, double max)
    {
        UpperBounds = upperBounds;
        HasNaNBin = hasNaNBin;
        Min = min;
        Max = max;
    }

    public double[] UpperBounds { get; }

    public bool HasNaNBin { get; }

    public int ValueBinCount => UpperBounds.Length;

    public int BinCount => UpperBounds.Length + (HasNaNBin ? 1 : 0);

    public int NaNBin => UpperBounds.Length;

    public double Min { get; }

    public double Max { get; }

    /// <summary>A feature with a single value bin cannot separate rows by threshold.</summary>
    public bool IsTrivial => UpperBounds.Length < 2;

    /// <summary>
    /// Chooses bin boundaries from a sample of the feature's non-missing values: with few distinct values one bin
    /// each (merging values seen fewer than <paramref name="minDataInBin"/> times), otherwise bins of about equal
    /// counts over the distinct values, each boundary midway between neighbouring distinct values.
    /// </summary>
    public static FeatureBinMapper Create(double[] sample, int sampleCount, bool hasNaN, int maxBin, int minDataInBin, double min, double max)
    {
        Array.Sort(sample, 0, sampleCount);
        var distinct = new List<double>();
        var counts = new List<int>();
        for (int i = 0; i < sampleCount; i++)
        {
            if (distinct.Count > 0 && sample[i] == distinct[^1]) counts[^1]++;
            else
            {
                distinct.Add(sample[i]);
                counts.Add(1);
            }
        }

        int valueBins = Math.Max(1, maxBin - (hasNaN ? 1 : 0));
        var bounds = new List<double>();
        if (distinct.Count > 1)
        {
            int remainingRows = sampleCount;
            int remainingBins = valueBins;
            double target = (double)sampleCount / valueBins;
            int inBin = 0;
            for (int i = 0; i < distinct.Count - 1 && remainingBins > 1; i++)
            {
                inBin += counts[i];
                // Cut when the bin is full, or early when the next value alone fills a bin (keeps heavy values apart).
                bool full = inBin >= target || counts[i + 1] >= target;
                if (full && inBin >= minDataInBin)
                {
                    bounds.Add(Midpoint(distinct[i], distinct[i + 1]));
                    remainingRows -= inBin;
                    remainingBins--;
                    inBin = 0;
                    target = (double)remainingRows / remainingBins;
                }
            }
        }
        bounds.Add(double.PositiveInfinity);
        return new FeatureBinMapper(bounds.ToArray(), hasNaN, min, max);
    }

    public int Bin(double value)
    {
        if (double.IsNaN(value)) return HasNaNBin ? NaNBin : BinOf(0.0);
        return BinOf(value);
    }

    // Branch-free lower bound (first bound >= value): binning every cell of a large table is dominated by
    // mispredicted branches in a classic binary search.
    private int BinOf(double value)
    {
        double[] bounds = UpperBounds;
        int low = 0;
        int length = bounds.Length;
        while (length > 1)
        {
            int half = length >> 1;
            low = value > bounds[low + half - 1] ? low + half : low;
            length -= half;
        }
        return low;
    }

    // A threshold strictly between two neighbours: a goes left (a <= t) and b right (b > t), even when the
    // arithmetic midpoint rounds onto b.
    private static double Midpoint(double a, double b)
    {
        double mid = a + (b - a) / 2;
        return mid >= b || mid < a ? a : mid;
    }
}
