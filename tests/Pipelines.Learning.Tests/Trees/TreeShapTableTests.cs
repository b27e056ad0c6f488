using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Trees;

public sealed class TreeShapTableTests
{
    [Theory]
    [InlineData(3, 4)]
    [InlineData(6, 16)]
    [InlineData(12, 40)]
    [InlineData(20, 64)]
    public void Tabulated_trees_explain_rows_as_the_path_by_path_algorithm_does(int features, int maxLeaves)
    {
        var random = new Random(features * 1000 + maxLeaves);
        var names = Enumerable.Range(0, features).Select(f => $"f{f}").ToArray();
        int untabulatedByMixed = 0;
        for (int trial = 0; trial < 8; trial++)
        {
            var trees = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => RandomTrees.Create(random, features, 2 + random.Next(maxLeaves - 1))).ToArray();
            var model = new TreeEnsembleModel(trees, ModelObjective.Regression(), names);
            var pathByPath = new TreeShapExplainer(model, maxTabulatedPathFeatures: 0);
            var tabulated = new TreeShapExplainer(model, maxTabulatedPathFeatures: 14);
            // A limit of 3 tabulates the shallow trees only, so one explanation mixes both ways.
            var mixed = new TreeShapExplainer(model, maxTabulatedPathFeatures: 3);
            Assert.Equal(0, pathByPath.TabulatedTreeCount);
            Assert.Equal(trees.Count(t => MaxDistinctPathFeatures(t, 0, Array.Empty<int>()) <= 14), tabulated.TabulatedTreeCount);
            untabulatedByMixed += tabulated.TabulatedTreeCount - mixed.TabulatedTreeCount;
            Assert.Equal(trees.Count(t => MaxDistinctPathFeatures(t, 0, Array.Empty<int>()) <= 3), mixed.TabulatedTreeCount);

            var expected = new double[pathByPath.ContributionLength];
            var actual = new double[pathByPath.ContributionLength];
            for (int r = 0; r < 10; r++)
            {
                var row = RandomTrees.RandomRow(random, features);
                pathByPath.Explain(row, expected);
                foreach (var explainer in new[] { tabulated, mixed })
                {
                    explainer.Explain(row, actual);
                    for (int i = 0; i < expected.Length; i++) Fixtures.AssertClose(expected[i], actual[i], 1e-12, $"trial {trial} row {r} value {i}");
                }
            }
        }
        if (maxLeaves >= 16) Assert.True(untabulatedByMixed > 0, "some trees should hold more than 3 distinct path features");
    }

    [Fact]
    public void A_tree_with_more_distinct_path_features_than_the_limit_is_explained_path_by_path()
    {
        // A chain over 14 features: node i sends x_i <= 0 left to leaf i and the rest right, so the deepest leaf's
        // path holds 14 distinct features, beyond the default limit of 10.
        const int internals = 14;
        var left = Enumerable.Range(0, internals).Select(i => ~i).ToArray();
        var right = Enumerable.Range(0, internals).Select(i => i + 1 < internals ? i + 1 : ~internals).ToArray();
        var leafCount = Enumerable.Range(0, internals + 1).Select(i => i < internals ? 1 + i % 3 : 5).ToArray();
        var internalCount = Enumerable.Range(0, internals).Select(i => leafCount.Skip(i).Sum()).ToArray();
        var leafValue = Enumerable.Range(0, internals + 1).Select(i => Math.Sin(i + 1)).ToArray();
        var tree = new DecisionTree(Enumerable.Range(0, internals).ToArray(), new double[internals], new double[internals], new byte[internals],
            left, right, leafValue, new double[internals + 1], leafCount, new double[internals], new double[internals], internalCount, 1);
        var model = new TreeEnsembleModel(new[] { tree }, ModelObjective.Regression(), Enumerable.Range(0, internals).Select(f => $"x{f}").ToArray());

        var byDefault = new TreeShapExplainer(model);
        var tabulated = new TreeShapExplainer(model, maxTabulatedPathFeatures: internals);
        Assert.Equal(0, byDefault.TabulatedTreeCount);
        Assert.Equal(1, tabulated.TabulatedTreeCount);
        Assert.Equal(0, new TreeShapExplainer(model, maxTabulatedPathFeatures: internals, tableBudgetBytes: 1024).TabulatedTreeCount);

        var random = new Random(7);
        var expected = new double[byDefault.ContributionLength];
        var actual = new double[byDefault.ContributionLength];
        var raw = new double[1];
        for (int r = 0; r < 20; r++)
        {
            var row = RandomTrees.RandomRow(random, internals);
            byDefault.Explain(row, expected);
            tabulated.Explain(row, actual);
            for (int i = 0; i < expected.Length; i++) Fixtures.AssertClose(expected[i], actual[i], 1e-12, $"row {r} value {i}");
            model.PredictRaw(row, raw);
            Fixtures.AssertClose(raw[0], actual.Sum(), 1e-9, $"row {r} additivity");
        }
    }

    [Fact]
    public void Tabulated_explanations_allocate_nothing()
    {
        var random = new Random(3);
        var trees = Enumerable.Range(0, 5).Select(_ => RandomTrees.Create(random, 6, 31)).ToArray();
        var model = new TreeEnsembleModel(trees, ModelObjective.Regression(), Enumerable.Range(0, 6).Select(f => $"f{f}").ToArray());
        var explainer = new TreeShapExplainer(model);
        Assert.Equal(5, explainer.TabulatedTreeCount);
        var rows = Enumerable.Range(0, 20).Select(_ => RandomTrees.RandomRow(random, 6)).ToArray();
        var contributions = new double[explainer.ContributionLength];
        explainer.Explain(rows[0], contributions);
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var row in rows) explainer.Explain(row, contributions);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(-1, 0L)]
    [InlineData(TreeShapExplainer.MaxTabulatedPathFeaturesLimit + 1, 0L)]
    [InlineData(4, -1L)]
    public void Out_of_range_table_settings_are_refused(int maxTabulatedPathFeatures, long tableBudgetBytes)
    {
        var model = new TreeEnsembleModel(new[] { RandomTrees.Create(new Random(1), 2, 4) }, ModelObjective.Regression(), new[] { "a", "b" });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TreeShapExplainer(model, maxTabulatedPathFeatures, tableBudgetBytes));
    }

    // Independent count of the distinct features on the longest path, by walking the tree.
    private static int MaxDistinctPathFeatures(DecisionTree tree, int child, int[] seen)
    {
        if (child < 0) return seen.Length;
        int feature = tree.SplitFeature[child];
        var next = seen.Contains(feature) ? seen : seen.Append(feature).ToArray();
        return Math.Max(MaxDistinctPathFeatures(tree, tree.LeftChild[child], next), MaxDistinctPathFeatures(tree, tree.RightChild[child], next));
    }
}
