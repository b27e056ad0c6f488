using Pipelines.Learning.Data;
using Pipelines.Learning.Rules;

namespace Pipelines.Learning.Tests.Rules;

public sealed class ShallowTreeRulesTests
{
    /// <summary>x1, x2, x3 uniform on [-1, 1]; HIGH exactly when x1 &gt; 0.3 and x2 &lt; -0.1, LOW otherwise (classes HIGH = 0, LOW = 1).</summary>
    private static DenseDataset KnownRule(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new double[rows * 3];
        var labels = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < 3; c++) values[r * 3 + c] = random.NextDouble() * 2 - 1;
            labels[r] = values[r * 3] > 0.3 && values[r * 3 + 1] < -0.1 ? 0 : 1;
        }
        return new DenseDataset(values, rows, ["x1", "x2", "x3"], labels);
    }

    [Fact]
    public void Data_labelled_by_a_known_rule_gives_that_rule_back_with_its_thresholds()
    {
        var rules = ShallowTreeRules.Extract(KnownRule(4000, 1), KnownRule(1000, 2), ["HIGH", "LOW"], maxDepth: 2, minDataInLeaf: 20);

        var high = Assert.Single(rules, r => r.ClassName == "HIGH");
        Assert.Equal(2, high.Conditions.Count);
        var x1 = Assert.Single(high.Conditions, c => c.Feature == "x1");
        var x2 = Assert.Single(high.Conditions, c => c.Feature == "x2");
        Assert.True(x1.Above);
        Assert.False(x2.Above);
        Assert.Equal(0.3, x1.Threshold, 0.02);
        Assert.Equal(-0.1, x2.Threshold, 0.02);
        Assert.DoesNotContain(rules.SelectMany(r => r.Conditions), c => c.Feature == "x3");
        Assert.True(high.HoldoutPrecision > 0.97, $"holdout precision {high.HoldoutPrecision}");
        Assert.StartsWith("IF x1 > 0.3", high.ToString());
        Assert.Contains("AND x2 <= -0.1", high.ToString());
        Assert.Contains("THEN HIGH", high.ToString());
    }

    [Fact]
    public void Every_count_and_precision_is_what_the_rules_conditions_select()
    {
        var fit = KnownRule(3000, 3);
        var holdout = KnownRule(800, 4);
        var rules = ShallowTreeRules.Extract(fit, holdout, ["HIGH", "LOW"], maxDepth: 3, minDataInLeaf: 50);

        // Brute force: apply each rule's conditions to every row, as a reader of the rule would.
        foreach (var rule in rules)
        {
            bool Matches(DenseDataset data, int r) => rule.Conditions.All(c => c.Holds(data.Row(r)[data.FeatureNames.ToList().IndexOf(c.Feature)]));
            var fitRows = Enumerable.Range(0, fit.RowCount).Where(r => Matches(fit, r)).ToList();
            var holdRows = Enumerable.Range(0, holdout.RowCount).Where(r => Matches(holdout, r)).ToList();
            Assert.Equal(fitRows.Count, rule.FitRows);
            Assert.Equal(holdRows.Count, rule.HoldoutRows);
            Assert.Equal(fitRows.Count(r => fit.Labels![r] == rule.Class) / (double)fitRows.Count, rule.FitPrecision, 12);
            if (holdRows.Count > 0) Assert.Equal(holdRows.Count(r => holdout.Labels![r] == rule.Class) / (double)holdRows.Count, rule.HoldoutPrecision, 12);
        }
        // The leaves partition the rows: with two classes every fitting row is in exactly one rule.
        Assert.Equal(fit.RowCount, rules.Sum(r => r.FitRows));
    }

    [Fact]
    public void Three_classes_get_a_tree_each_against_the_rest()
    {
        var random = new Random(9);
        const int rows = 3000;
        var values = new double[rows * 2];
        var labels = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            values[r * 2] = random.NextDouble() * 2 - 1;
            values[r * 2 + 1] = random.NextDouble() * 2 - 1;
            labels[r] = values[r * 2] > 0.5 ? 0 : values[r * 2] < -0.4 ? 2 : 1;
        }
        var data = new DenseDataset(values, rows, ["v", "w"], labels);

        var rules = ShallowTreeRules.Extract(data, data, ["HIGH", "MID", "LOW"], maxDepth: 1, minDataInLeaf: 20);

        Assert.Equal(0.5, Assert.Single(rules, r => r.ClassName == "HIGH").Conditions.Single(c => c.Feature == "v" && c.Above).Threshold, 0.03);
        Assert.Equal(-0.4, Assert.Single(rules, r => r.ClassName == "LOW").Conditions.Single(c => c.Feature == "v" && !c.Above).Threshold, 0.03);
    }
}
