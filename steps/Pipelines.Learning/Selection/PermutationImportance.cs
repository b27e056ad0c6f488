using Pipelines.Learning.Data;

namespace Pipelines.Learning.Selection;

/// <summary>
/// Permutation importance (Breiman 2001; Fisher, Rudin and Dominici 2019) of each feature for a fitted model on one
/// set of scored rows (X, y):
/// <code>
///   I_j = (1/R) Σ_{r=1..R} s · ( S(y, f(X)) − S(y, f(X^{j,π_r})) )
/// </code>
/// where f is the model, S the score (e.g. AUC or RMSE), X^{j,π} the rows with column j's values reordered by the
/// permutation π and every other column left in place, R the repeats, and s = +1 when a higher score is better,
/// −1 when a lower one is; so a positive I_j is always the score lost when feature j carries no information, and a
/// feature the model ignores scores exactly 0. The spread reported is the sample standard deviation of the R
/// drops (0 for one repeat).
/// <para>Permutations: one SplitMix64 generator seeded with <c>seed</c> draws them in order — feature 0 repeats
/// 1..R, then feature 1, … — each a Fisher–Yates shuffle of the row order: for i = n−1 down to 1, swap position
/// i with position k = NextInt(i + 1). The same seed, rows and model give the same values.</para>
/// <para>ML.NET's PermutationFeatureImportance reports the same difference with the opposite sign
/// (permuted − baseline, per metric).</para>
/// </summary>
public static class PermutationImportance
{
    /// <param name="rows">scored rows with labels; never the rows the model was fitted on</param>
    /// <param name="predict">the model's predictions for a set of rows</param>
    /// <param name="score">the score of predictions against <paramref name="rows"/>' labels</param>
    public static PermutationScores Compute(DenseDataset rows, Func<DenseDataset, double[]> predict, Func<double[], double[], double> score,
        bool higherIsBetter, int repeats, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(score);
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "at least one repeat is needed");
        if (rows.RowCount < 2) throw new ArgumentException("at least two rows are needed to permute a column", nameof(rows));

        var labels = rows.RequireLabels();
        var baseline = score(labels, predict(rows));
        var sign = higherIsBetter ? 1.0 : -1.0;
        var width = rows.FeatureCount;
        var n = rows.RowCount;
        var original = rows.Values.ToArray();
        var permuted = new double[original.Length];
        var order = new int[n];
        var random = new SplitMix64(seed);
        var means = new double[width];
        var deviations = new double[width];
        var drops = new double[repeats];
        for (var j = 0; j < width; j++)
        {
            for (var r = 0; r < repeats; r++)
            {
                Shuffle(order, ref random);
                Array.Copy(original, permuted, original.Length);
                for (var i = 0; i < n; i++) permuted[i * width + j] = original[order[i] * width + j];
                var shuffled = new DenseDataset(permuted, n, rows.FeatureNames, labels);
                drops[r] = sign * (baseline - score(labels, predict(shuffled)));
            }
            means[j] = drops.Average();
            deviations[j] = repeats == 1 ? 0 : Math.Sqrt(drops.Sum(d => (d - means[j]) * (d - means[j])) / (repeats - 1));
        }
        return new PermutationScores(baseline, means, deviations);
    }

    /// <summary>A Fisher–Yates shuffle of 0..n−1 drawn from <paramref name="random"/>.</summary>
    private static void Shuffle(int[] order, ref SplitMix64 random)
    {
        for (var i = 0; i < order.Length; i++) order[i] = i;
        for (var i = order.Length - 1; i >= 1; i--)
        {
            var k = random.NextInt(i + 1);
            (order[i], order[k]) = (order[k], order[i]);
        }
    }
}
