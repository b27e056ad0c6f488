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
        int perRowLeaves = 0;
        for (int trial = 0; trial < 8; trial++)
        {
            var trees = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => RandomTrees.Create(random, features, 2 + random.Next(maxLeaves - 1))).ToArray();
            var model = new TreeEnsembleModel(trees, ModelObjective.Regression(), names);
            var pathByPath = new TreeShapExplainer(model, maxTabulatedPathFeatures: 0);
            var tabulated = new TreeShapExplainer(model, maxTabulatedPathFeatures: 14);
            // A limit of 3 tabulates the leaves with short paths only; the others are computed per row.
            var mixed = new TreeShapExplainer(model, maxTabulatedPathFeatures: 3);
            // 2 KB (256 doubles) runs out after a few leaves, so the rest are computed per row.
            var overBudget = new TreeShapExplainer(model, maxTabulatedPathFeatures: 14, tableBudgetBytes: 2048);
            var distinct = trees.SelectMany(DistinctFeaturesPerLeaf).ToArray();
            Assert.Equal(trees.Count(t => t.NumLeaves > 1), pathByPath.RecursiveTreeCount);
            Assert.Equal(0, tabulated.RecursiveTreeCount);
            Assert.Equal(distinct.Count(d => d <= 14), tabulated.TabulatedLeafCount);
            Assert.Equal(distinct.Count(d => d <= 3), mixed.TabulatedLeafCount);
            Assert.True(overBudget.TabulatedLeafCount <= tabulated.TabulatedLeafCount);
            perRowLeaves += distinct.Length - mixed.TabulatedLeafCount;

            var expected = new double[pathByPath.ContributionLength];
            var actual = new double[pathByPath.ContributionLength];
            for (int r = 0; r < 10; r++)
            {
                var row = RandomTrees.RandomRow(random, features);
                pathByPath.Explain(row, expected);
                foreach (var explainer in new[] { tabulated, mixed, overBudget })
                {
                    explainer.Explain(row, actual);
                    for (int i = 0; i < expected.Length; i++) Fixtures.AssertClose(expected[i], actual[i], 1e-12, $"trial {trial} row {r} value {i}");
                }
            }
        }
        if (maxLeaves >= 16) Assert.True(perRowLeaves > 0, "some leaves should hold more than 3 distinct path features");
    }

    [Fact]
    public void Leaves_beyond_the_limit_or_the_budget_are_computed_per_row_with_the_same_values()
    {
        // Leaf i of the chain holds i + 1 distinct features (the last leaf 14), beyond the default limit of 12.
        var model = Chain(14);
        var recursive = new TreeShapExplainer(model, maxTabulatedPathFeatures: 0);
        var byDefault = new TreeShapExplainer(model);
        var tabulated = new TreeShapExplainer(model, maxTabulatedPathFeatures: 14);
        // 1 KB = 128 doubles holds the four shallowest leaves: 1*2 + 2*4 + 3*8 + 4*16 = 98 doubles; the fifth needs 5*32.
        var overBudget = new TreeShapExplainer(model, maxTabulatedPathFeatures: 14, tableBudgetBytes: 1024);
        Assert.Equal(1, recursive.RecursiveTreeCount);
        Assert.Equal(12, byDefault.TabulatedLeafCount);
        Assert.Equal(15, tabulated.TabulatedLeafCount);
        Assert.Equal(4, overBudget.TabulatedLeafCount);

        var random = new Random(7);
        var expected = new double[recursive.ContributionLength];
        var actual = new double[recursive.ContributionLength];
        for (int r = 0; r < 20; r++)
        {
            var row = RandomTrees.RandomRow(random, 14);
            recursive.Explain(row, expected);
            foreach (var explainer in new[] { byDefault, tabulated, overBudget })
            {
                explainer.Explain(row, actual);
                for (int i = 0; i < expected.Length; i++) Fixtures.AssertClose(expected[i], actual[i], 1e-12, $"row {r} value {i}");
            }
        }
    }

    [Fact]
    public void A_path_with_more_distinct_features_than_a_pattern_holds_is_explained_by_recursion()
    {
        var model = Chain(70);
        var explainer = new TreeShapExplainer(model);
        Assert.Equal(1, explainer.RecursiveTreeCount);
        Assert.Equal(0, explainer.TabulatedLeafCount);
        var random = new Random(9);
        var contributions = new double[explainer.ContributionLength];
        var raw = new double[1];
        for (int r = 0; r < 5; r++)
        {
            var row = RandomTrees.RandomRow(random, 70);
            explainer.Explain(row, contributions);
            model.PredictRaw(row, raw);
            Fixtures.AssertClose(raw[0], contributions.Sum(), 1e-9, $"row {r} additivity");
        }
    }

    [Fact]
    public void Tabulated_explanations_allocate_nothing()
    {
        var random = new Random(3);
        var trees = Enumerable.Range(0, 5).Select(_ => RandomTrees.Create(random, 6, 31)).ToArray();
        var model = new TreeEnsembleModel(trees, ModelObjective.Regression(), Enumerable.Range(0, 6).Select(f => $"f{f}").ToArray());
        var rows = Enumerable.Range(0, 20).Select(_ => RandomTrees.RandomRow(random, 6)).ToArray();
        // All leaves tabulated, and (limit 2) most computed per row.
        foreach (var explainer in new[] { new TreeShapExplainer(model), new TreeShapExplainer(model, maxTabulatedPathFeatures: 2) })
        {
            var contributions = new double[explainer.ContributionLength];
            explainer.Explain(rows[0], contributions);
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var row in rows) explainer.Explain(row, contributions);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
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

    // A chain over n features: node i sends x_i <= 0 left to leaf i and the rest right, so leaf i's path holds
    // i + 1 distinct features and the last leaf's n.
    private static TreeEnsembleModel Chain(int n)
    {
        var left = Enumerable.Range(0, n).Select(i => ~i).ToArray();
        var right = Enumerable.Range(0, n).Select(i => i + 1 < n ? i + 1 : ~n).ToArray();
        var leafCount = Enumerable.Range(0, n + 1).Select(i => i < n ? 1 + i % 3 : 5).ToArray();
        var internalCount = Enumerable.Range(0, n).Select(i => leafCount.Skip(i).Sum()).ToArray();
        var leafValue = Enumerable.Range(0, n + 1).Select(i => Math.Sin(i + 1)).ToArray();
        var tree = new DecisionTree(Enumerable.Range(0, n).ToArray(), new double[n], new double[n], new byte[n],
            left, right, leafValue, new double[n + 1], leafCount, new double[n], new double[n], internalCount, 1);
        return new TreeEnsembleModel(new[] { tree }, ModelObjective.Regression(), Enumerable.Range(0, n).Select(f => $"x{f}").ToArray());
    }

    // Independent count of the distinct features on each leaf's path, by walking the tree.
    private static IEnumerable<int> DistinctFeaturesPerLeaf(DecisionTree tree) =>
        tree.NumLeaves == 1 ? Enumerable.Empty<int>() : DistinctFeaturesBelow(tree, 0, Array.Empty<int>());

    private static IEnumerable<int> DistinctFeaturesBelow(DecisionTree tree, int child, int[] seen)
    {
        if (child < 0) return new[] { seen.Length };
        int feature = tree.SplitFeature[child];
        var next = seen.Contains(feature) ? seen : seen.Append(feature).ToArray();
        return DistinctFeaturesBelow(tree, tree.LeftChild[child], next).Concat(DistinctFeaturesBelow(tree, tree.RightChild[child], next));
    }
}
