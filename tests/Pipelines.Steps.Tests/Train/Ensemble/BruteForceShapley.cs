using Pipelines.Learning.Linear;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>
/// Shapley values by their definition, enumerating every coalition: φ_j = Σ_{S ⊆ N∖{j}} |S|!(n−|S|−1)!/n! (v(S∪{j}) − v(S)).
/// The games are the ones exact SHAP explains: a tree's expectation given the features in S (the others averaged
/// over the rows that reached each split, TreeSHAP's path-dependent expectation), a linear model's score with the
/// features outside S at their training mean.
/// </summary>
internal static class BruteForceShapley
{
    public static double[] Values(int features, Func<bool[], double> game)
    {
        var phi = new double[features];
        var factorial = Enumerable.Range(0, features + 1).Select(k => Enumerable.Range(1, k).Aggregate(1.0, (a, b) => a * b)).ToArray();
        for (var mask = 0; mask < 1 << features; mask++)
        {
            var present = Enumerable.Range(0, features).Select(f => (mask >> f & 1) == 1).ToArray();
            var size = present.Count(p => p);
            var without = game(present);
            for (var j = 0; j < features; j++)
            {
                if (present[j]) continue;
                var with = (bool[])present.Clone();
                with[j] = true;
                phi[j] += factorial[size] * factorial[features - size - 1] / factorial[features] * (game(with) - without);
            }
        }
        return phi;
    }

    /// <summary>The raw score of a tree ensemble knowing only the features in <paramref name="known"/>.</summary>
    public static double Trees(TreeEnsembleModel model, double[] row, bool[] known) =>
        model.Trees.Sum(tree => tree.NumLeaves == 1 ? tree.LeafValue[0] : Expect(tree, 0, row, known));

    private static double Expect(DecisionTree tree, int node, double[] row, bool[] known)
    {
        if (node < 0) return tree.LeafValue[~node];
        var feature = tree.SplitFeature[node];
        if (known[feature]) return Expect(tree, tree.NextNode(row[feature], node), row, known);
        int left = tree.LeftChild[node], right = tree.RightChild[node];
        return (tree.Count(left) * Expect(tree, left, row, known) + tree.Count(right) * Expect(tree, right, row, known)) / tree.InternalCount[node];
    }

    /// <summary>A standardised linear model's raw score with unknown features at their training mean.</summary>
    public static double Linear(LinearModel model, double[] row, bool[] known) =>
        model.RawScore(row.Select((x, j) => known[j] ? x : model.Scaler!.Mean[j]).ToArray());
}
