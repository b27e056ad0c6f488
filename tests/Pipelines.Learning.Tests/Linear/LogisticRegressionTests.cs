using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;

namespace Pipelines.Learning.Tests.Linear;

public sealed class LogisticRegressionTests
{
    /// <summary>
    /// ∂/∂θ of −Σ log-likelihood + (λ/2)‖w‖², by central finite differences of the objective written out here —
    /// no formula shared with the trainer.
    /// </summary>
    private static double[] NumericGradient(DenseDataset data, double lambda, double intercept, double[] weights, Func<int, int, double> feature)
    {
        double Objective(double b, double[] w)
        {
            var total = 0.0;
            for (var r = 0; r < data.RowCount; r++)
            {
                var s = b;
                for (var j = 0; j < w.Length; j++) s += w[j] * feature(r, j);
                var p = 1 / (1 + Math.Exp(-s));
                total -= data.RequireLabels()[r] == 1 ? Math.Log(p) : Math.Log(1 - p);
            }
            return total + 0.5 * lambda * w.Sum(v => v * v);
        }

        const double h = 1e-5;
        var gradient = new double[weights.Length + 1];
        gradient[0] = (Objective(intercept + h, weights) - Objective(intercept - h, weights)) / (2 * h);
        for (var j = 0; j < weights.Length; j++)
        {
            var up = (double[])weights.Clone();
            var down = (double[])weights.Clone();
            up[j] += h;
            down[j] -= h;
            gradient[j + 1] = (Objective(intercept, up) - Objective(intercept, down)) / (2 * h);
        }
        return gradient;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(10.0)]
    public void The_penalised_likelihood_is_flat_at_the_solution(double lambda)
    {
        var data = LinearData.Classification(400, seed: 1);
        var model = LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Logistic, L2 = lambda, Standardize = false });
        var gradient = NumericGradient(data, lambda, model.Intercept, model.Weights, (r, j) => data[r, j]);
        // The objective is a sum over 400 rows of terms of order 1; finite differences are good to ~1e-6.
        foreach (var g in gradient) Assert.InRange(g, -1e-4, 1e-4);
        // And it is a minimum, not just a stationary point: moving any weight raises the objective's slope away.
        var moved = (double[])model.Weights.Clone();
        moved[0] += 0.05;
        Assert.True(NumericGradient(data, lambda, model.Intercept, moved, (r, j) => data[r, j])[1] > 0);
    }

    [Fact]
    public void Standardised_fits_are_flat_in_the_standardised_coordinates()
    {
        var data = LinearData.Classification(300, seed: 2);
        var model = LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Logistic, L2 = 3 });
        var scaler = model.Scaler!;
        var gradient = NumericGradient(data, 3, model.Intercept, model.Weights, (r, j) => (data[r, j] - scaler.Mean[j]) / scaler.Scale[j]);
        foreach (var g in gradient) Assert.InRange(g, -1e-4, 1e-4);
    }

    [Fact]
    public void One_feature_by_hand()
    {
        // x = +1: labels 1, 1, 0; x = −1: labels 0, 0, 1. By symmetry b = 0, and ∂/∂w = 6σ(w) − 4 + λw.
        // λ = 0: σ(w) = 2/3, so w = ln 2. λ = 0.4 / ln 1.5: w = ln 1.5 solves it, since σ(ln 1.5) = 0.6 and 6·0.6 − 4 = −0.4.
        var data = new DenseDataset([1, 1, 1, -1, -1, -1], 6, ["x"], [1, 1, 0, 0, 0, 1]);
        var plain = LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Logistic, L2 = 0, Standardize = false });
        Assert.Equal(Math.Log(2), plain.Weights[0], 9);
        Assert.Equal(0, plain.Intercept, 9);
        Assert.Equal(2.0 / 3, plain.Predict([1.0]), 9);

        var penalised = LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Logistic, L2 = 0.4 / Math.Log(1.5), Standardize = false });
        Assert.Equal(Math.Log(1.5), penalised.Weights[0], 9);
        Assert.Equal(0, penalised.Intercept, 9);
    }

    [Fact]
    public void Separable_classes_without_a_penalty_fail_clearly()
    {
        var data = new DenseDataset([-2, -1, 1, 2], 4, ["x"], [0, 0, 1, 1]);
        var error = Assert.Throws<InvalidOperationException>(() =>
            LinearTrainer.Fit(data, new LinearParameters { Objective = LinearObjective.Logistic, L2 = 0, Standardize = false }));
        Assert.Contains("separable", error.Message);
    }

    [Fact]
    public void Labels_other_than_zero_and_one_are_refused()
    {
        var data = new DenseDataset([1, 2, 3], 3, ["x"], [0, 1, 2]);
        var error = Assert.Throws<ArgumentException>(() => LinearTrainer.Fit(data, new LinearParameters()));
        Assert.Contains("row 2 has 2", error.Message);
    }

    [Fact]
    public void Partial_fit_moves_a_model_fitted_on_a_few_rows_toward_the_batch_fit_on_all_rows()
    {
        var data = LinearData.Classification(20_000, seed: 3);
        var parameters = new LinearParameters { Objective = LinearObjective.Logistic, L2 = 1 };
        var early = LinearTrainer.Fit(LinearData.Slice(data, 0, 500), parameters);
        var continued = early;
        for (var start = 500; start < data.RowCount; start += 2500)
            continued = LinearTrainer.PartialFit(continued, LinearData.Slice(data, start, Math.Min(2500, data.RowCount - start)));
        Assert.Equal(20_000, continued.SamplesSeen);

        // The batch reference uses the early model's scaler, so all three live in the same coordinates.
        var batch = BatchInScalerCoordinates(data, early.Scaler!, 1);
        double Distance(LinearModel m) =>
            Math.Sqrt((m.Intercept - batch[0]) * (m.Intercept - batch[0]) + Enumerable.Range(0, 3).Sum(j => (m.Weights[j] - batch[j + 1]) * (m.Weights[j] - batch[j + 1])));
        var before = Distance(early);
        var after = Distance(continued);
        Assert.True(after < before / 3, $"distance to the batch fit: {before:0.0000} before, {after:0.0000} after");
        Assert.True(after < 0.05, $"distance to the batch fit after 20,000 rows: {after:0.0000}");
    }

    /// <summary>The batch fit on all rows, expressed in a given scaler's coordinates (raw fit on pre-scaled rows).</summary>
    private static double[] BatchInScalerCoordinates(DenseDataset data, FeatureScaler scaler, double lambda)
    {
        var scaled = new double[data.RowCount * 3];
        for (var r = 0; r < data.RowCount; r++)
            for (var j = 0; j < 3; j++) scaled[r * 3 + j] = scaler.Transform(j, data[r, j]);
        var model = LinearTrainer.Fit(new DenseDataset(scaled, data.RowCount, data.FeatureNames, data.RequireLabels()),
            new LinearParameters { Objective = LinearObjective.Logistic, L2 = lambda, Standardize = false });
        return [model.Intercept, .. model.Weights];
    }
}
