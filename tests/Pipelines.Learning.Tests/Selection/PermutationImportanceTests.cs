using Pipelines.Learning.Data;
using Pipelines.Learning.Selection;

namespace Pipelines.Learning.Tests.Selection;

public sealed class PermutationImportanceTests
{
    // A fixed model: f(x) = 2·x0 + x2; it never reads x1.
    private static double[] Predict(DenseDataset rows) => Enumerable.Range(0, rows.RowCount).Select(r => 2 * rows[r, 0] + rows[r, 2]).ToArray();

    private static double Rmse(double[] labels, double[] predictions) =>
        Math.Sqrt(labels.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());

    private static DenseDataset Rows(int count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count * 3];
        var labels = new double[count];
        for (var r = 0; r < count; r++)
        {
            for (var j = 0; j < 3; j++) values[r * 3 + j] = random.NextDouble() * 2 - 1;
            labels[r] = 2 * values[r * 3] + values[r * 3 + 2] + (random.NextDouble() - 0.5) * 0.2;
        }
        return new DenseDataset(values, count, ["x0", "x1", "x2"], labels);
    }

    [Fact]
    public void Each_importance_is_the_mean_RMSE_lost_over_the_shuffles_computed_by_brute_force()
    {
        var rows = Rows(40, seed: 3);
        var result = PermutationImportance.Compute(rows, Predict, Rmse, higherIsBetter: false, repeats: 4, seed: 77);

        // Brute force: the documented shuffles, drawn in order from one SplitMix64, each applied to a fresh copy of the table.
        var labels = rows.RequireLabels();
        var baseline = Rmse(labels, Predict(rows));
        var random = new SplitMix64(77);
        for (var j = 0; j < 3; j++)
        {
            var drops = new List<double>();
            for (var r = 0; r < 4; r++)
            {
                var order = Enumerable.Range(0, 40).ToArray();
                for (var i = 39; i >= 1; i--)
                {
                    var k = random.NextInt(i + 1);
                    (order[i], order[k]) = (order[k], order[i]);
                }
                var copy = rows.Values.ToArray();
                for (var i = 0; i < 40; i++) copy[i * 3 + j] = rows[order[i], j];
                var permutedRmse = Rmse(labels, Predict(new DenseDataset(copy, 40, rows.FeatureNames, labels)));
                drops.Add(permutedRmse - baseline);
            }
            var mean = drops.Average();
            Assert.Equal(mean, result.Importance[j], 12);
            Assert.Equal(Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / 3), result.StandardDeviation[j], 12);
        }
        Assert.Equal(baseline, result.Baseline, 12);
    }

    [Fact]
    public void A_feature_the_model_never_reads_loses_exactly_nothing_and_the_heavier_one_loses_most()
    {
        var result = PermutationImportance.Compute(Rows(200, seed: 9), Predict, Rmse, higherIsBetter: false, repeats: 3, seed: 1);
        Assert.Equal(0.0, result.Importance[1]);
        Assert.True(result.Importance[0] > result.Importance[2], $"x0 {result.Importance[0]} vs x2 {result.Importance[2]}");
        Assert.True(result.Importance[2] > 0);
    }

    [Fact]
    public void A_score_where_higher_is_better_counts_the_fall_as_the_loss()
    {
        var rows = Rows(100, seed: 4);
        double NegativeRmse(double[] y, double[] p) => -Rmse(y, p);
        var asLoss = PermutationImportance.Compute(rows, Predict, Rmse, higherIsBetter: false, repeats: 2, seed: 5);
        var asGain = PermutationImportance.Compute(rows, Predict, NegativeRmse, higherIsBetter: true, repeats: 2, seed: 5);
        for (var j = 0; j < 3; j++) Assert.Equal(asLoss.Importance[j], asGain.Importance[j], 12);
    }

    [Fact]
    public void The_same_seed_gives_the_same_values_and_another_seed_other_shuffles()
    {
        var rows = Rows(60, seed: 2);
        var first = PermutationImportance.Compute(rows, Predict, Rmse, false, 3, 11);
        var again = PermutationImportance.Compute(rows, Predict, Rmse, false, 3, 11);
        var other = PermutationImportance.Compute(rows, Predict, Rmse, false, 3, 12);
        Assert.Equal(first.Importance, again.Importance);
        Assert.NotEqual(first.Importance[0], other.Importance[0]);
    }
}
