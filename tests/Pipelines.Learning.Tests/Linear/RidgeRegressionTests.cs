using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;

namespace Pipelines.Learning.Tests.Linear;

public sealed class RidgeRegressionTests
{
    /// <summary>[b, w] from the normal equations (AᵀA + λD) θ = Aᵀy with A = [1, z], built and solved here.</summary>
    private static double[] NormalEquations(DenseDataset data, double lambda, double[]? mean = null, double[]? scale = null)
    {
        var n = data.FeatureCount + 1;
        var ata = new double[n, n];
        var aty = new double[n];
        var labels = data.RequireLabels();
        for (var r = 0; r < data.RowCount; r++)
        {
            var a = new double[n];
            a[0] = 1;
            for (var j = 0; j < data.FeatureCount; j++)
                a[j + 1] = mean is null ? data[r, j] : (data[r, j] - mean[j]) / scale![j];
            for (var i = 0; i < n; i++)
            {
                aty[i] += a[i] * labels[r];
                for (var k = 0; k < n; k++) ata[i, k] += a[i] * a[k];
            }
        }
        for (var j = 1; j < n; j++) ata[j, j] += lambda;
        return LinearData.GaussianElimination(ata, aty);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(3.0)]
    public void Raw_features_match_the_normal_equations(double lambda)
    {
        var data = LinearData.Regression(200, seed: 1);
        var model = LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Ridge, L2 = lambda, Standardize = false });
        var expected = NormalEquations(data, lambda);
        Assert.Null(model.Scaler);
        Assert.Equal(expected[0], model.Intercept, 9);
        for (var j = 0; j < 3; j++) Assert.Equal(expected[j + 1], model.Weights[j], 9);
        Assert.Equal(200, model.SamplesSeen);
    }

    [Fact]
    public void Standardised_features_use_the_training_mean_and_population_deviation()
    {
        var data = LinearData.Regression(150, seed: 2);
        var mean = new double[3];
        var scale = new double[3];
        for (var j = 0; j < 3; j++)
        {
            var column = Enumerable.Range(0, data.RowCount).Select(r => data[r, j]).ToArray();
            mean[j] = column.Average();
            scale[j] = Math.Sqrt(column.Select(v => (v - mean[j]) * (v - mean[j])).Sum() / column.Length);
        }
        var model = LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Ridge, L2 = 5 });
        var expected = NormalEquations(data, 5, mean, scale);
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(mean[j], model.Scaler!.Mean[j], 10);
            Assert.Equal(scale[j], model.Scaler.Scale[j], 10);
            Assert.Equal(expected[j + 1], model.Weights[j], 9);
        }
        Assert.Equal(expected[0], model.Intercept, 9);
        // A prediction applies the stored scaler to raw features.
        var row = data.Row(7).ToArray();
        var z = Enumerable.Range(0, 3).Sum(j => expected[j + 1] * (row[j] - mean[j]) / scale[j]) + expected[0];
        Assert.Equal(z, model.Predict(row), 9);
    }

    [Fact]
    public void Partial_fit_in_chunks_equals_the_batch_fit_on_all_rows()
    {
        var data = LinearData.Regression(300, seed: 3);
        var parameters = new LinearParameters { Objective = LinearObjective.Ridge, L2 = 2, Standardize = false };
        var model = LinearTrainer.Fit(LinearData.Slice(data, 0, 100), parameters);
        model = LinearTrainer.PartialFit(model, LinearData.Slice(data, 100, 120));
        model = LinearTrainer.PartialFit(model, LinearData.Slice(data, 220, 80));
        var expected = NormalEquations(data, 2);
        Assert.Equal(300, model.SamplesSeen);
        Assert.Equal(expected[0], model.Intercept, 8);
        for (var j = 0; j < 3; j++) Assert.Equal(expected[j + 1], model.Weights[j], 8);
    }

    [Fact]
    public void Partial_fit_survives_a_save_and_load()
    {
        var data = LinearData.Regression(200, seed: 4);
        var parameters = new LinearParameters { Objective = LinearObjective.Ridge, L2 = 1 };
        var first = LinearTrainer.Fit(LinearData.Slice(data, 0, 120), parameters);
        var reloaded = LinearModelFile.Parse(LinearModelFile.ToJson(first));
        var continued = LinearTrainer.PartialFit(reloaded, LinearData.Slice(data, 120, 80));
        var direct = LinearTrainer.PartialFit(first, LinearData.Slice(data, 120, 80));
        // The scaler stays the one fitted on the first 120 rows.
        var expected = NormalEquations(data, 1, first.Scaler!.Mean, first.Scaler.Scale);
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(expected[j + 1], continued.Weights[j], 8);
            Assert.Equal(direct.Weights[j], continued.Weights[j], 12);
        }
    }

    [Fact]
    public void A_constant_feature_without_a_penalty_is_reported_as_singular()
    {
        var values = new double[] { 1, 5, 2, 5, 3, 5, 4, 5 };
        var data = new DenseDataset(values, 4, ["x", "flat"], [1, 2, 3, 4]);
        var error = Assert.Throws<InvalidOperationException>(() =>
            LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Ridge, L2 = 0, Standardize = false }));
        Assert.Contains("singular", error.Message);
    }

    [Fact]
    public void Missing_values_and_mismatched_features_are_refused()
    {
        var data = new DenseDataset([1, double.NaN, 2, 3], 2, ["x", "y"], [1, 2]);
        var error = Assert.Throws<ArgumentException>(() => LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Ridge }));
        Assert.Contains("row 0", error.Message);
        Assert.Contains("'y'", error.Message);

        var model = LinearTrainer.Fit(LinearData.Regression(50, 5), new LinearParameters { Objective = LinearObjective.Ridge });
        var other = new DenseDataset([1, 2, 3], 1, ["c", "b", "a"], [0]);
        Assert.Contains("expects [a, b, c]", Assert.Throws<ArgumentException>(() => LinearTrainer.PartialFit(model, other)).Message);
    }
}
