using System.Globalization;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Rules;

/// <summary>
/// Rules a person can read, from one shallow LightGBM tree per class: the tree (objective binary, one iteration,
/// learning rate 1, at most <c>maxDepth</c> levels and 2^maxDepth leaves, at least <c>minDataInLeaf</c> rows a leaf)
/// separates the class from the rest; each leaf where most fitting rows hold the class becomes "IF path THEN class".
/// With two classes one tree serves both: a leaf whose rows are mostly class 1 says class 1, the others class 0. Only
/// the splits come from LightGBM; every count and precision is counted here by routing rows down the tree with
/// LightGBM's own decision rule, so a rule's figures are exact for the rows it states.
/// </summary>
public static class ShallowTreeRules
{
    /// <param name="fit">Rows to fit on; labels are class indices 0..classes-1.</param>
    /// <param name="holdout">Rows to check the rules on (same features); labels are the class to compare with.</param>
    public static IReadOnlyList<DecisionRule> Extract(DenseDataset fit, DenseDataset holdout, IReadOnlyList<string> classNames, int maxDepth, int minDataInLeaf, int seed = 1)
    {
        if (classNames.Count < 2) throw new ArgumentException("rules need a classifier: at least two classes", nameof(classNames));
        if (maxDepth is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, "a readable rule has 1 to 8 conditions");
        if (minDataInLeaf < 1) throw new ArgumentOutOfRangeException(nameof(minDataInLeaf), minDataInLeaf, "at least 1");
        var fitLabels = fit.Labels ?? throw new ArgumentException("the fitting rows have no labels", nameof(fit));
        var holdoutLabels = holdout.Labels ?? throw new ArgumentException("the holdout rows have no labels", nameof(holdout));
        var rules = new List<DecisionRule>();
        var targets = classNames.Count == 2 ? [1] : Enumerable.Range(0, classNames.Count).ToArray();
        foreach (var target in targets)
        {
            var oneVsRest = new DenseDataset(fit.Values.ToArray(), fit.RowCount, fit.FeatureNames, fitLabels.Select(l => l == target ? 1.0 : 0.0).ToArray());
            var tree = FitOneTree(oneVsRest, maxDepth, minDataInLeaf, seed);
            var leaves = tree.NumLeaves;
            var fitCount = new int[leaves];
            var fitHits = new int[leaves];
            for (var r = 0; r < fit.RowCount; r++)
            {
                var leaf = tree.GetLeaf(fit.Row(r));
                fitCount[leaf]++;
                if (fitLabels[r] == target) fitHits[leaf]++;
            }
            var holdoutCount = new int[leaves];
            var holdoutHits = new int[leaves];
            for (var r = 0; r < holdout.RowCount; r++)
            {
                var leaf = tree.GetLeaf(holdout.Row(r));
                holdoutCount[leaf]++;
                if (holdoutLabels[r] == target) holdoutHits[leaf]++;
            }
            for (var leaf = 0; leaf < leaves; leaf++)
            {
                if (fitCount[leaf] == 0) continue;
                var share = (double)fitHits[leaf] / fitCount[leaf];
                // The class a leaf speaks for: the target where it holds most rows; with two classes, else the other one.
                var (cls, fitPrecision, holdHits) = share > 0.5 ? (target, share, holdoutHits[leaf])
                    : classNames.Count == 2 ? (0, 1 - share, holdoutCount[leaf] - holdoutHits[leaf])
                    : (-1, 0.0, 0);
                if (cls < 0) continue;
                var precision = holdoutCount[leaf] == 0 ? double.NaN : (double)holdHits / holdoutCount[leaf];
                rules.Add(new DecisionRule(Path(tree, leaf, fit.FeatureNames), cls, classNames[cls], fitCount[leaf], fitPrecision, holdoutCount[leaf], precision));
            }
        }
        return rules.OrderBy(r => r.Class).ThenByDescending(r => r.FitRows).ToList();
    }

    private static DecisionTree FitOneTree(DenseDataset rows, int maxDepth, int minDataInLeaf, int seed)
    {
        var parameters = new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = "1", ["learning_rate"] = "1", ["max_depth"] = Text(maxDepth), ["num_leaves"] = Text(1 << maxDepth),
            ["min_data_in_leaf"] = Text(minDataInLeaf), ["min_sum_hessian_in_leaf"] = "0", ["lambda_l2"] = "0", ["seed"] = Text(seed), ["deterministic"] = "true",
            ["num_threads"] = "1", ["verbosity"] = "-1",
        };
        return LightGbmTrainer.TrainEnsemble(rows, parameters).Trees[0];
    }

    /// <summary>The conditions from the root to <paramref name="leaf"/>, the tightest bound kept per feature and side, a lower bound before an upper.</summary>
    private static IReadOnlyList<RuleCondition> Path(DecisionTree tree, int leaf, IReadOnlyList<string> features)
    {
        var parent = new Dictionary<int, (int Node, bool Right)>();
        for (var node = 0; node < tree.NumLeaves - 1; node++)
        {
            parent[tree.LeftChild[node]] = (node, false);
            parent[tree.RightChild[node]] = (node, true);
        }
        var conditions = new List<RuleCondition>();
        var child = ~leaf;
        while (parent.TryGetValue(child, out var step))
        {
            conditions.Add(new RuleCondition(features[tree.SplitFeature[step.Node]], step.Right, tree.Threshold[step.Node]));
            child = step.Node;
        }
        return conditions
            .GroupBy(c => (c.Feature, c.Above))
            .Select(g => g.Key.Above ? g.MaxBy(c => c.Threshold)! : g.MinBy(c => c.Threshold)!)
            .OrderBy(c => features.ToList().IndexOf(c.Feature)).ThenByDescending(c => c.Above)
            .ToList();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
