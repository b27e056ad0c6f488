using Pipelines.Learning.Data;

namespace Pipelines.Learning.Explain;

/// <summary>
/// Summarises rows by k-means (Lloyd's algorithm with k-means++ seeding, Arthur and Vassilvitskii 2007), as SHAP's
/// own packages summarise a background: the centroids, each weighted by the fraction of rows assigned to it.
/// <para>Seeding: the first centre is a uniformly drawn row; each next centre is row i with probability
/// D(i)² / Σ D², D(i) the Euclidean distance from row i to its nearest chosen centre. Iteration: assign every row to its
/// nearest centre (ties to the lower index), move each centre to the mean of its rows (a centre left without rows stays
/// where it is), until no assignment changes or <c>maxIterations</c> passes. Centres that end with no row are dropped.
/// Deterministic for a given seed.</para>
/// </summary>
public static class KMeansSummary
{
    public sealed record Result(double[] Centroids, double[] Weights);

    public static Result Fit(double[] rows, int featureCount, int clusters, ulong seed, int maxIterations = 100)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        var count = rows.Length / featureCount;
        if (count < clusters) throw new ArgumentException($"{count} rows cannot make {clusters} clusters", nameof(clusters));
        var random = new SplitMix64(seed);
        var centres = new double[clusters * featureCount];
        var nearest = new double[count];
        Array.Fill(nearest, double.PositiveInfinity);
        var first = random.NextInt(count);
        rows.AsSpan(first * featureCount, featureCount).CopyTo(centres);
        for (var c = 1; c < clusters; c++)
        {
            double total = 0;
            for (var r = 0; r < count; r++)
            {
                nearest[r] = Math.Min(nearest[r], Distance2(rows.AsSpan(r * featureCount, featureCount), centres.AsSpan((c - 1) * featureCount, featureCount)));
                total += nearest[r];
            }
            var chosen = count - 1;
            if (total > 0)
            {
                var target = random.NextUniform() * total;
                for (var r = 0; r < count; r++)
                {
                    target -= nearest[r];
                    if (target < 0) { chosen = r; break; }
                }
            }
            else chosen = random.NextInt(count);
            rows.AsSpan(chosen * featureCount, featureCount).CopyTo(centres.AsSpan(c * featureCount));
        }

        var assignment = new int[count];
        Array.Fill(assignment, -1);
        var sizes = new int[clusters];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = false;
            for (var r = 0; r < count; r++)
            {
                var row = rows.AsSpan(r * featureCount, featureCount);
                var best = 0;
                var bestDistance = double.PositiveInfinity;
                for (var c = 0; c < clusters; c++)
                {
                    var d = Distance2(row, centres.AsSpan(c * featureCount, featureCount));
                    if (d < bestDistance) { bestDistance = d; best = c; }
                }
                changed |= assignment[r] != best;
                assignment[r] = best;
            }
            Array.Clear(sizes);
            var sums = new double[clusters * featureCount];
            for (var r = 0; r < count; r++)
            {
                sizes[assignment[r]]++;
                for (var f = 0; f < featureCount; f++) sums[assignment[r] * featureCount + f] += rows[r * featureCount + f];
            }
            for (var c = 0; c < clusters; c++)
            {
                if (sizes[c] == 0) continue;
                for (var f = 0; f < featureCount; f++) centres[c * featureCount + f] = sums[c * featureCount + f] / sizes[c];
            }
            if (!changed) break;
        }

        var kept = Enumerable.Range(0, clusters).Where(c => sizes[c] > 0).ToArray();
        var centroids = new double[kept.Length * featureCount];
        var weights = new double[kept.Length];
        for (var i = 0; i < kept.Length; i++)
        {
            centres.AsSpan(kept[i] * featureCount, featureCount).CopyTo(centroids.AsSpan(i * featureCount));
            weights[i] = sizes[kept[i]] / (double)count;
        }
        return new Result(centroids, weights);
    }

    private static double Distance2(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
