using Pipelines.Learning.Explain;
using Pipelines.Learning.Linear;
using Pipelines.Learning.Tests.Linear;

namespace Pipelines.Learning.Tests.Explain;

public sealed class LinearShapExplainerTests
{
    // Shapley values by definition: every subset S of the other features, weighted |S|!(n-|S|-1)!/n!, of the change in
    // the model's raw score when feature j joins S, with features outside the coalition held at the background mean.
    private static double[] BruteForce(LinearModel model, double[] x, double[] background)
    {
        var n = x.Length;
        var phi = new double[n];
        double Value(int mask)
        {
            var point = new double[n];
            for (var f = 0; f < n; f++) point[f] = (mask & (1 << f)) != 0 ? x[f] : background[f];
            return model.RawScore(point);
        }
        double Factorial(int k) => k <= 1 ? 1 : k * Factorial(k - 1);
        for (var j = 0; j < n; j++)
            for (var mask = 0; mask < 1 << n; mask++)
            {
                if ((mask & (1 << j)) != 0) continue;
                var size = System.Numerics.BitOperations.PopCount((uint)mask);
                phi[j] += Factorial(size) * Factorial(n - size - 1) / Factorial(n) * (Value(mask | (1 << j)) - Value(mask));
            }
        return phi;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Values_equal_brute_force_shapley_values_and_sum_to_the_raw_score(bool standardize)
    {
        var data = LinearData.Classification(300, 11);
        var model = LinearTrainer.Fit(data, new LinearParameters { L2 = 0.5, Standardize = standardize });
        var background = Enumerable.Range(0, model.FeatureCount).Select(f => Enumerable.Range(0, data.RowCount).Average(r => data.Row(r)[f])).ToArray();
        var explainer = new LinearShapExplainer(model, background);
        var expectedBackground = model.Scaler?.Mean ?? background;
        var contributions = new double[explainer.ContributionLength];
        for (var r = 0; r < 25; r++)
        {
            var x = data.Row(r).ToArray();
            explainer.Explain(x, contributions);
            var oracle = BruteForce(model, x, expectedBackground);
            for (var f = 0; f < model.FeatureCount; f++) Assert.Equal(oracle[f], contributions[f], 1e-12);
            Assert.Equal(model.RawScore(x), contributions.Sum(), 1e-12);
        }
        Assert.Equal(model.RawScore(expectedBackground), explainer.ExpectedValues[0], 1e-15);
    }

    [Fact]
    public void A_model_without_a_scaler_needs_a_background_of_its_width()
    {
        var model = LinearTrainer.Fit(LinearData.Classification(100, 3), new LinearParameters { Standardize = false });
        Assert.Throws<ArgumentException>(() => new LinearShapExplainer(model));
        Assert.Throws<ArgumentException>(() => new LinearShapExplainer(model, [1.0]));
    }
}
