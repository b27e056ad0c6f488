using System.Numerics;
using Pipelines.Learning.Explain;

namespace Pipelines.Learning.Tests.Explain;

public sealed class KernelShapExplainerTests
{
    // A nonlinear model with interactions and two outputs, small enough to enumerate.
    private static void Model(ReadOnlySpan<double> rows, int count, Span<double> outputs, int features)
    {
        for (var r = 0; r < count; r++)
        {
            var x = rows.Slice(r * features, features);
            var hidden = Math.Tanh(0.8 * x[0] * x[1] - 0.3 * x[2]) + x[2] * x[2] * 0.5 - 0.7 * x[3];
            for (var f = 4; f < features; f++) hidden += Math.Sin(x[f] * (f - 2)) * x[0] * 0.3;
            outputs[2 * r] = 1 / (1 + Math.Exp(-hidden));
            outputs[2 * r + 1] = hidden * x[1] + Math.Max(0, x[features - 1]);
        }
    }

    private static BatchPredictor For(int features) => (rows, count, outputs) => Model(rows, count, outputs, features);

    private static double[] Rows(int count, int features, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * features).Select(_ => random.NextDouble() * 4 - 2).ToArray();
    }

    // Shapley values by their definition, independent of the regression: for every feature j and every coalition S of
    // the others, |S|!(M−|S|−1)!/M! times v(S ∪ {j}) − v(S), where v(S) averages the model over the background with
    // the features in S taken from x.
    private static double[,] BruteForceShapley(int features, ReadOnlySpan<double> x, double[] background, double[] weights)
    {
        var xs = x.ToArray();
        var model = For(features);
        double[] Value(int mask)
        {
            var value = new double[2];
            var row = new double[features];
            var output = new double[2];
            for (var k = 0; k < weights.Length; k++)
            {
                for (var f = 0; f < features; f++) row[f] = (mask & (1 << f)) != 0 ? xs[f] : background[k * features + f];
                model(row, 1, output);
                for (var c = 0; c < 2; c++) value[c] += weights[k] * output[c];
            }
            return value;
        }
        double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
        var phi = new double[2, features];
        for (var j = 0; j < features; j++)
            for (var mask = 0; mask < 1 << features; mask++)
            {
                if ((mask & (1 << j)) != 0) continue;
                var size = BitOperations.PopCount((uint)mask);
                var weight = Factorial(size) * Factorial(features - size - 1) / Factorial(features);
                var with = Value(mask | (1 << j));
                var without = Value(mask);
                for (var c = 0; c < 2; c++) phi[c, j] += weight * (with[c] - without[c]);
            }
        return phi;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void With_every_coalition_the_values_equal_brute_force_Shapley_values(int features)
    {
        var background = ShapBackground.FromRows(Rows(12, features, 3), features);
        var explainer = new KernelShapExplainer(For(features), features, 2, background, new KernelShapOptions { MaxCoalitions = 1 << features });
        Assert.True(explainer.Enumerates);
        var rows = Rows(5, features, 9);
        var contributions = new double[explainer.ContributionLength];
        var errors = new double[2 * features];
        for (var r = 0; r < 5; r++)
        {
            var x = rows.AsSpan(r * features, features);
            explainer.Explain(x, contributions, errors);
            var exact = BruteForceShapley(features, x, background.Rows, background.Weights);
            for (var c = 0; c < 2; c++)
                for (var j = 0; j < features; j++)
                {
                    Assert.Equal(exact[c, j], contributions[c * (features + 1) + j], 10);
                    Assert.Equal(0, errors[c * features + j]);
                }
        }
    }

    [Fact]
    public void Values_add_up_to_the_prediction_minus_the_mean_prediction_over_the_background()
    {
        const int features = 9;
        var background = ShapBackground.KMeans(Rows(300, features, 5), features, 10, seed: 2);
        var explainer = new KernelShapExplainer(For(features), features, 2, background, new KernelShapOptions { MaxCoalitions = 64, Seed = 4 });
        Assert.False(explainer.Enumerates);
        var x = Rows(1, features, 17);
        var prediction = new double[2];
        Model(x, 1, prediction, features);
        var backgroundPredictions = new double[background.Count * 2];
        Model(background.Rows, background.Count, backgroundPredictions, features);
        var contributions = new double[explainer.ContributionLength];
        explainer.Explain(x, contributions);
        for (var c = 0; c < 2; c++)
        {
            var mean = Enumerable.Range(0, background.Count).Sum(k => background.Weights[k] * backgroundPredictions[2 * k + c]);
            Assert.Equal(mean, contributions[c * (features + 1) + features], 12);
            Assert.Equal(prediction[c] - mean, contributions.AsSpan(c * (features + 1), features).ToArray().Sum(), 10);
        }
    }

    [Fact]
    public void With_sampled_coalitions_the_reported_standard_error_bounds_the_true_error_in_most_seeds()
    {
        const int features = 8;
        var background = ShapBackground.FromRows(Rows(6, features, 21), features);
        var x = Rows(1, features, 23);
        var exact = BruteForceShapley(features, x, background.Rows, background.Weights);
        int within = 0, total = 0;
        var sumError = 0.0;
        for (ulong seed = 1; seed <= 30; seed++)
        {
            var explainer = new KernelShapExplainer(For(features), features, 2, background, new KernelShapOptions { MaxCoalitions = 120, Seed = seed });
            Assert.False(explainer.Enumerates);
            var contributions = new double[explainer.ContributionLength];
            var errors = new double[2 * features];
            explainer.Explain(x, contributions, errors);
            for (var c = 0; c < 2; c++)
                for (var j = 0; j < features; j++)
                {
                    var error = Math.Abs(contributions[c * (features + 1) + j] - exact[c, j]);
                    sumError += error;
                    Assert.True(errors[c * features + j] > 0);
                    // Two standard errors hold about 95% of a normal estimate's errors.
                    if (error <= 2 * errors[c * features + j]) within++;
                    total++;
                }
        }
        Assert.True(within >= 0.85 * total, $"{within} of {total} errors within two reported standard errors");
        // Sampling, not enumeration: the estimates do differ from the exact values.
        Assert.True(sumError > 0);
    }

    [Fact]
    public void One_seed_gives_one_result_and_another_seed_another()
    {
        const int features = 8;
        var background = ShapBackground.FromRows(Rows(6, features, 21), features);
        var x = Rows(1, features, 23);
        double[] Run(ulong seed)
        {
            var explainer = new KernelShapExplainer(For(features), features, 2, background, new KernelShapOptions { MaxCoalitions = 100, Seed = seed });
            var contributions = new double[explainer.ContributionLength];
            explainer.Explain(x, contributions);
            return contributions;
        }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }

    [Fact]
    public void The_Shapley_kernel_weights_are_the_published_formula()
    {
        // (M − 1) / (C(M, s) s (M − s)) for M = 4: s = 1 → 3 / (4·1·3) = 0.25; s = 2 → 3 / (6·2·2) = 0.125.
        Assert.Equal(0.25, ShapleyKernel.Weight(4, 1), 15);
        Assert.Equal(0.125, ShapleyKernel.Weight(4, 2), 15);
        Assert.Equal(0.25, ShapleyKernel.Weight(4, 3), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapleyKernel.Weight(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapleyKernel.Weight(4, 4));
        var sizes = ShapleyKernel.SizeDistribution(4);
        // 1/3, 1/4, 1/3 normalised.
        Assert.Equal(new[] { 4.0 / 11, 3.0 / 11, 4.0 / 11 }, sizes, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void A_k_means_background_finds_well_separated_groups_and_weighs_them_by_their_share_of_rows()
    {
        // 30 rows around (0, 0) and 10 around (10, 10): the summary is the two groups' means, weighted 0.75 and 0.25.
        var random = new Random(1);
        var rows = new List<double>();
        for (var i = 0; i < 30; i++) rows.AddRange([random.NextDouble() - 0.5, random.NextDouble() - 0.5]);
        for (var i = 0; i < 10; i++) rows.AddRange([10 + random.NextDouble() - 0.5, 10 + random.NextDouble() - 0.5]);
        var values = rows.ToArray();
        var summary = ShapBackground.KMeans(values, 2, 2, seed: 3);
        Assert.Equal(2, summary.Count);
        var order = summary.Rows[0] < summary.Rows[2] ? new[] { 0, 1 } : new[] { 1, 0 };
        double Mean(int from, int to, int f) => Enumerable.Range(from, to - from).Average(r => values[r * 2 + f]);
        Assert.Equal(Mean(0, 30, 0), summary.Rows[order[0] * 2], 12);
        Assert.Equal(Mean(30, 40, 1), summary.Rows[order[1] * 2 + 1], 12);
        Assert.Equal(0.75, summary.Weights[order[0]], 12);
        Assert.Equal(0.25, summary.Weights[order[1]], 12);
    }
}
