using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Trees;

public sealed class TreeShapExplainerTests
{
    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void Contributions_match_LightGBM_and_add_up_to_the_raw_score(string kind)
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm($"model-{kind}.txt"));
        var test = Fixtures.ReadCsv($"test-{kind}.csv");
        var expected = Fixtures.ReadTable($"contrib-{kind}.txt");
        var explainer = new TreeShapExplainer(model);
        var contributions = new double[explainer.ContributionLength];
        var raw = new double[model.TreesPerIteration];
        for (int row = 0; row < test.RowCount; row++)
        {
            explainer.Explain(test.Row(row), contributions);
            Assert.Equal(expected[row].Length, contributions.Length);
            for (int i = 0; i < contributions.Length; i++) Fixtures.AssertClose(expected[row][i], contributions[i], 1e-9, $"row {row} value {i}");

            model.PredictRaw(test.Row(row), raw);
            for (int k = 0; k < raw.Length; k++)
            {
                double sum = 0;
                for (int f = 0; f <= model.FeatureCount; f++) sum += contributions[k * (model.FeatureCount + 1) + f];
                Fixtures.AssertClose(raw[k], sum, 1e-9, $"row {row} class {k} additivity");
            }
        }
    }

    [Fact]
    public void Agrees_with_brute_force_Shapley_values_of_the_path_dependent_expectation()
    {
        var random = new Random(12345);
        const int features = 4;
        for (int trial = 0; trial < 60; trial++)
        {
            var trees = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => RandomTrees.Create(random, features, 2 + random.Next(9))).ToArray();
            var model = new TreeEnsembleModel(trees, ModelObjective.Regression(), new[] { "a", "b", "c", "d" });
            var explainer = new TreeShapExplainer(model);
            var contributions = new double[explainer.ContributionLength];
            for (int r = 0; r < 5; r++)
            {
                var row = RandomTrees.RandomRow(random, features);
                explainer.Explain(row, contributions);
                var oracle = BruteForceShapley(trees, row, features);
                for (int f = 0; f < features; f++) Fixtures.AssertClose(oracle[f], contributions[f], 1e-9, $"trial {trial} feature {f}");
                double baseValue = trees.Sum(t => Expectation(t, 0, row, 0));
                Fixtures.AssertClose(baseValue, contributions[features], 1e-9, $"trial {trial} expected value");
            }
        }
    }

    [Fact]
    public void Explaining_a_row_allocates_nothing()
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm("model-multiclass.txt"));
        var test = Fixtures.ReadCsv("test-multiclass.csv");
        var explainer = new TreeShapExplainer(model);
        var contributions = new double[explainer.ContributionLength];
        var top = new FeatureContribution[3];
        explainer.Explain(test.Row(0), contributions);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int row = 0; row < 100; row++)
        {
            explainer.Explain(test.Row(row), contributions);
            TreeShapExplainer.TopContributions(contributions.AsSpan(0, model.FeatureCount), 3, top);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Top_contributions_are_the_largest_magnitudes_in_order()
    {
        var values = new[] { 0.1, -0.9, 0.3, 0.0, 0.5, -0.2 };
        var top = new FeatureContribution[3];
        int n = TreeShapExplainer.TopContributions(values, 3, top);
        Assert.Equal(3, n);
        Assert.Equal(new[] { new FeatureContribution(1, -0.9), new FeatureContribution(4, 0.5), new FeatureContribution(2, 0.3) }, top);
        Assert.Equal(2, TreeShapExplainer.TopContributions(new[] { 1.0, 2.0 }, 5, new FeatureContribution[5]));
    }

    [Fact]
    public void Mean_absolute_shap_is_the_average_of_row_magnitudes()
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm("model-binary.txt"));
        var test = Fixtures.ReadCsv("test-binary.csv");
        var expected = Fixtures.ReadTable("contrib-binary.txt");
        var mean = new TreeShapExplainer(model).MeanAbsoluteShap(test);
        for (int f = 0; f < model.FeatureCount; f++)
            Fixtures.AssertClose(expected.Average(r => Math.Abs(r[f])), mean[f], 1e-9, $"feature {f}");
        // f0 dominates the generator's latent score (2 * x0), so it must rank first.
        Assert.Equal(0, Array.IndexOf(mean, mean.Max()));
    }

    [Fact]
    public void Overly_deep_trees_are_refused_with_the_reason()
    {
        // A chain: node i sends x <= i left to leaf i and the rest right to node i + 1.
        int internals = TreeShapExplainer.MaxSupportedDepth + 1;
        var left = Enumerable.Range(0, internals).Select(i => ~i).ToArray();
        var right = Enumerable.Range(0, internals).Select(i => i + 1 < internals ? i + 1 : ~internals).ToArray();
        var tree = new DecisionTree(new int[internals], new double[internals], Enumerable.Range(0, internals).Select(i => (double)i).ToArray(),
            new byte[internals], left, right, new double[internals + 1], new double[internals + 1], Enumerable.Repeat(1, internals + 1).ToArray(),
            new double[internals], new double[internals], Enumerable.Range(0, internals).Select(i => internals + 1 - i).ToArray(), 1);
        var model = new TreeEnsembleModel(new[] { tree }, ModelObjective.Regression(), new[] { "x" });
        var error = Assert.Throws<ArgumentException>(() => new TreeShapExplainer(model));
        Assert.Contains($"depth {internals}", error.Message);
    }

    // v(S): follow the row where the split feature is in S, otherwise average both children by training counts.
    private static double Expectation(DecisionTree tree, int child, double[] row, int subset)
    {
        if (tree.NumLeaves == 1) return tree.LeafValue[0];
        if (child < 0) return tree.LeafValue[~child];
        int feature = tree.SplitFeature[child];
        if ((subset & (1 << feature)) != 0) return Expectation(tree, tree.NextNode(row[feature], child), row, subset);
        double cover = tree.Count(child);
        return tree.Count(tree.LeftChild[child]) / cover * Expectation(tree, tree.LeftChild[child], row, subset)
               + tree.Count(tree.RightChild[child]) / cover * Expectation(tree, tree.RightChild[child], row, subset);
    }

    private static double[] BruteForceShapley(DecisionTree[] trees, double[] row, int features)
    {
        var phi = new double[features];
        double Value(int subset) => trees.Sum(t => Expectation(t, 0, row, subset));
        for (int i = 0; i < features; i++)
        {
            for (int subset = 0; subset < 1 << features; subset++)
            {
                if ((subset & (1 << i)) != 0) continue;
                int size = System.Numerics.BitOperations.PopCount((uint)subset);
                double weight = Factorial(size) * Factorial(features - size - 1) / Factorial(features);
                phi[i] += weight * (Value(subset | (1 << i)) - Value(subset));
            }
        }
        return phi;
    }

    private static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
}
