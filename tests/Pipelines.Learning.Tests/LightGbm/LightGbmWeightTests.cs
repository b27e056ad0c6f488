using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Learning.Tests.LightGbm;

public sealed class LightGbmWeightTests
{
    private static LightGbmParameters Settings(int iterations, double learningRate) => LightGbmParameters.From(new Dictionary<string, string>
    {
        ["objective"] = "regression", ["num_iterations"] = iterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["learning_rate"] = learningRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["num_leaves"] = "8", ["min_data_in_leaf"] = "1", ["min_data_in_bin"] = "1", ["min_sum_hessian_in_leaf"] = "0", ["lambda_l2"] = "0",
        ["seed"] = "1", ["num_threads"] = "1",
    });

    [Fact]
    public void A_weighted_row_pulls_the_prediction_to_the_weighted_mean_of_its_leaf()
    {
        // At x = 0 half the rows say 0 and half say 1; weighting the ones three times makes the L2 leaf value their
        // weighted mean, (10·0 + 10·3·1) / (10 + 30) = 0.75, where the unweighted model says 0.5.
        var x = Enumerable.Repeat(0.0, 20).Concat(Enumerable.Repeat(1.0, 20)).ToArray();
        var y = Enumerable.Repeat(0.0, 10).Concat(Enumerable.Repeat(1.0, 10)).Concat(Enumerable.Repeat(2.0, 20)).ToArray();
        var w = Enumerable.Repeat(1.0, 10).Concat(Enumerable.Repeat(3.0, 10)).Concat(Enumerable.Repeat(1.0, 20)).ToArray();
        var probe = new DenseDataset([0.0, 1.0], 2, ["x"], null);

        using var plain = LightGbmTrainer.Train(new DenseDataset(x, 40, ["x"], y), null, Settings(1, 1.0));
        using var weighted = LightGbmTrainer.Train(new DenseDataset(x, 40, ["x"], y, w), null, Settings(1, 1.0));

        Assert.Equal(0.5, plain.Predict(probe)[0], 6);
        Assert.Equal(0.75, weighted.Predict(probe)[0], 6); // LightGBM keeps labels and weights as float32
        Assert.Equal(2.0, weighted.Predict(probe)[1], 6);
    }

    [Fact]
    public void A_row_of_weight_two_trains_the_same_model_as_that_row_twice()
    {
        var random = new Random(3);
        const int rows = 300;
        var values = new double[rows * 2];
        var labels = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            values[2 * r] = random.Next(12);
            values[2 * r + 1] = random.Next(5);
            labels[r] = Math.Sin(values[2 * r]) + 0.3 * values[2 * r + 1] + random.NextDouble();
        }
        var heavy = Enumerable.Range(0, rows).Where(r => r % 3 == 0).ToArray();
        var weights = Enumerable.Range(0, rows).Select(r => r % 3 == 0 ? 2.0 : 1.0).ToArray();
        var duplicated = new DenseDataset(
            [.. values, .. heavy.SelectMany(r => new[] { values[2 * r], values[2 * r + 1] })], rows + heavy.Length, ["a", "b"],
            [.. labels, .. heavy.Select(r => labels[r])]);

        using var byWeight = LightGbmTrainer.Train(new DenseDataset(values, rows, ["a", "b"], labels, weights), null, Settings(30, 0.1));
        using var byCopies = LightGbmTrainer.Train(duplicated, null, Settings(30, 0.1));
        using var unweighted = LightGbmTrainer.Train(new DenseDataset(values, rows, ["a", "b"], labels), null, Settings(30, 0.1));

        var grid = new DenseDataset(Enumerable.Range(0, 60).SelectMany(i => new double[] { i % 12, i / 12 }).ToArray(), 60, ["a", "b"], null);
        var expected = byCopies.Predict(grid);
        var actual = byWeight.Predict(grid);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 6);
        Assert.NotEqual(unweighted.Predict(grid), actual);
    }

    [Fact]
    public void Weights_must_be_one_per_row_finite_and_not_negative()
    {
        Assert.Throws<ArgumentException>(() => new DenseDataset([1, 2], 2, ["x"], [0, 1], [1]));
        Assert.Throws<ArgumentException>(() => new DenseDataset([1, 2], 2, ["x"], [0, 1], [1, -1]));
        Assert.Throws<ArgumentException>(() => new DenseDataset([1, 2], 2, ["x"], [0, 1], [1, double.NaN]));
    }
}
