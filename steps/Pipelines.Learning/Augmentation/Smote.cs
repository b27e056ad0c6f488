using Pipelines.Learning.Data;

namespace Pipelines.Learning.Augmentation;

/// <summary>
/// SMOTE, the synthetic minority over-sampling technique (Chawla, Bowyer, Hall and Kegelmeyer 2002), within one
/// class of m rows x_0 … x_{m−1} (m ≥ 2, 1 ≤ k ≤ m − 1):
/// <list type="bullet">
/// <item>the neighbours of x_i are the k other rows of the class nearest to it by Euclidean distance over the
/// features as given (no scaling; equal distances: the earlier row first);</item>
/// <item>synthetic row t (t = 0 … count − 1) has base row i = t mod m, so every row seeds as evenly as possible;
/// a neighbour x_j drawn uniformly from the base's k (NextInt(k)), and a gap λ drawn uniformly from [0, 1)
/// (NextUniform()), both from one SplitMix64 generator seeded with <c>seed</c>, neighbour before gap;</item>
/// <item>its features are x_i + λ (x_j − x_i): a point on the segment between two rows of the same class.</item>
/// </list>
/// </summary>
public static class Smote
{
    /// <param name="values">the class's rows, row-major, <paramref name="features"/> values per row, all finite</param>
    public static SmoteSample[] Sample(ReadOnlySpan<double> values, int features, int count, int k, ulong seed)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "at least one feature is needed");
        if (values.Length % features != 0) throw new ArgumentException($"{values.Length} values are not whole rows of {features}", nameof(values));
        var m = values.Length / features;
        if (m < 2) throw new ArgumentException($"the class has {m} row; SMOTE interpolates between two rows of a class, so it needs at least 2", nameof(values));
        if (k < 1 || k > m - 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"must be between 1 and {m - 1} (the class's {m} rows less the row itself)");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");
        foreach (var value in values)
        {
            if (!double.IsFinite(value)) throw new ArgumentException("every feature value must be finite", nameof(values));
        }

        var neighbours = new int[m][];
        var bestDistances = new double[k];
        for (var i = 0; i < m; i++)
        {
            // The k nearest so far, kept sorted by (distance, index) by insertion: O(m·k) per row rather than a full sort.
            var best = neighbours[i] = new int[k];
            var found = 0;
            for (var j = 0; j < m; j++)
            {
                if (j == i) continue;
                var distance = SquaredDistance(values.Slice(i * features, features), values.Slice(j * features, features));
                if (found == k && distance >= bestDistances[k - 1]) continue;
                var at = found < k ? found++ : k - 1;
                // Rows come in index order, so an equal distance already kept stays ahead of this one.
                while (at > 0 && bestDistances[at - 1] > distance)
                {
                    bestDistances[at] = bestDistances[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bestDistances[at] = distance;
                best[at] = j;
            }
        }

        var random = new SplitMix64(seed);
        var samples = new SmoteSample[count];
        for (var t = 0; t < count; t++)
        {
            var i = t % m;
            var j = neighbours[i][random.NextInt(k)];
            samples[t] = new SmoteSample(i, j, random.NextUniform());
        }
        return samples;
    }

    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var f = 0; f < a.Length; f++)
        {
            var d = a[f] - b[f];
            sum += d * d;
        }
        return sum;
    }
}
