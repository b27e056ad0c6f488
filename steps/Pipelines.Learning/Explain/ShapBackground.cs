using Pipelines.Learning.Data;

namespace Pipelines.Learning.Explain;

/// <summary>
/// The rows a model-agnostic explainer fills absent features from, each with a weight; the weights sum to 1. A
/// feature outside a coalition takes its value from every background row in turn and the model's outputs are averaged
/// with these weights, so the expected value E[f(background)] and every coalition's value are weighted means over it.
/// Rows with a missing (non-finite) feature are left out, since they would make every average undefined.
/// </summary>
public sealed class ShapBackground
{
    private ShapBackground(double[] rows, double[] weights, int featureCount, string summary)
    {
        Rows = rows;
        Weights = weights;
        FeatureCount = featureCount;
        Summary = summary;
    }

    /// <summary>The rows, one after another, <see cref="FeatureCount"/> values each.</summary>
    public double[] Rows { get; }

    public double[] Weights { get; }

    public int FeatureCount { get; }

    public int Count => Weights.Length;

    /// <summary>How the background was made, for reports (e.g. "k-means: 16 centroids of 2000 rows").</summary>
    public string Summary { get; }

    /// <summary>The given rows as they are, equally weighted.</summary>
    public static ShapBackground FromRows(ReadOnlySpan<double> rows, int featureCount)
    {
        var complete = CompleteRows(rows, featureCount);
        var count = complete.Length / featureCount;
        if (count == 0) throw new ArgumentException("the background has no row with every feature present", nameof(rows));
        return new ShapBackground(complete, Enumerable.Repeat(1.0 / count, count).ToArray(), featureCount, $"{count} rows");
    }

    /// <summary>At most <paramref name="maxRows"/> rows drawn without replacement with <paramref name="seed"/>, equally weighted.</summary>
    public static ShapBackground Sample(ReadOnlySpan<double> rows, int featureCount, int maxRows, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var complete = CompleteRows(rows, featureCount);
        var count = complete.Length / featureCount;
        if (count == 0) throw new ArgumentException("the background has no row with every feature present", nameof(rows));
        if (count <= maxRows) return new ShapBackground(complete, Enumerable.Repeat(1.0 / count, count).ToArray(), featureCount, $"{count} rows");
        // A partial Fisher-Yates shuffle: the first maxRows of a uniformly random permutation.
        var order = Enumerable.Range(0, count).ToArray();
        var random = new SplitMix64(seed);
        for (var i = 0; i < maxRows; i++)
        {
            var j = i + random.NextInt(count - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var sample = new double[maxRows * featureCount];
        for (var i = 0; i < maxRows; i++) complete.AsSpan(order[i] * featureCount, featureCount).CopyTo(sample.AsSpan(i * featureCount));
        return new ShapBackground(sample, Enumerable.Repeat(1.0 / maxRows, maxRows).ToArray(), featureCount, $"{maxRows} rows sampled from {count}");
    }

    /// <summary>
    /// The rows summarised by <see cref="KMeansSummary"/>: at most <paramref name="clusters"/> centroids, each weighted by
    /// the share of rows nearest to it (all rows when there are no more than <paramref name="clusters"/>).
    /// </summary>
    public static ShapBackground KMeans(ReadOnlySpan<double> rows, int featureCount, int clusters, ulong seed)
    {
        var complete = CompleteRows(rows, featureCount);
        var count = complete.Length / featureCount;
        if (count == 0) throw new ArgumentException("the background has no row with every feature present", nameof(rows));
        if (count <= clusters) return new ShapBackground(complete, Enumerable.Repeat(1.0 / count, count).ToArray(), featureCount, $"{count} rows");
        var summary = KMeansSummary.Fit(complete, featureCount, clusters, seed);
        return new ShapBackground(summary.Centroids, summary.Weights, featureCount, $"k-means: {summary.Weights.Length} centroids of {count} rows");
    }

    private static double[] CompleteRows(ReadOnlySpan<double> rows, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (rows.Length % featureCount != 0) throw new ArgumentException($"{rows.Length} values are not whole rows of {featureCount} features", nameof(rows));
        var kept = new List<double>(rows.Length);
        for (var start = 0; start < rows.Length; start += featureCount)
        {
            var row = rows.Slice(start, featureCount);
            var finite = true;
            foreach (var value in row) finite &= double.IsFinite(value);
            if (finite) foreach (var value in row) kept.Add(value);
        }
        return kept.ToArray();
    }
}
