using Pipelines.Learning.Selection;

namespace Pipelines.Learning.Tests.Selection;

public sealed class RecursiveFeatureEliminationTests
{
    // An additive truth: each feature adds its weight to the score and costs 0.5; importance is the weight itself.
    private static readonly Dictionary<string, double> Weights = new() { ["a"] = 5, ["b"] = 3, ["c"] = 0.7, ["d"] = 0.45, ["e"] = 0.1 };

    private static double Score(IEnumerable<string> subset) => subset.Sum(f => Weights[f] - 0.5);

    private static SubsetEvaluation Evaluate(IReadOnlyList<string> subset) => new(Score(subset), subset.Select(f => Weights[f]).ToArray());

    private static IEnumerable<string[]> AllSubsets(string[] features) =>
        Enumerable.Range(1, (1 << features.Length) - 1).Select(mask => features.Where((_, i) => (mask >> i & 1) == 1).ToArray());

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(3.0)]
    public void On_an_additive_problem_it_picks_what_an_exhaustive_search_over_every_subset_picks(double tolerance)
    {
        var features = Weights.Keys.ToArray();
        var result = RecursiveFeatureElimination.Run(features, Evaluate, drop: 1, minFeatures: 1, tolerance, higherIsBetter: true);

        // Exhaustive: the best score over all 31 subsets, then the smallest subset within tolerance of it (best score first among equals).
        var subsets = AllSubsets(features).ToList();
        var best = subsets.Max(Score);
        var expected = subsets.Where(s => Score(s) >= best - tolerance).OrderBy(s => s.Length).ThenByDescending(Score).First();
        Assert.Equal(expected.Order(), result.Selected.Order());

        // And every nested subset it tried is the best subset of its size.
        foreach (var round in result.Rounds)
            Assert.Equal(subsets.Where(s => s.Length == round.Features.Count).Max(Score), round.Score, 12);
    }

    [Fact]
    public void Rounds_drop_the_least_important_features_down_to_the_minimum()
    {
        var result = RecursiveFeatureElimination.Run(Weights.Keys.ToArray(), Evaluate, drop: 2, minFeatures: 2, tolerance: 0, higherIsBetter: true);
        Assert.Equal([5, 3, 2], result.Rounds.Select(r => r.Features.Count));
        Assert.Equal(["e", "d"], result.Rounds[0].Dropped);
        Assert.Equal(["c"], result.Rounds[1].Dropped);
        Assert.Empty(result.Rounds[2].Dropped);
    }

    [Fact]
    public void For_a_loss_the_lowest_score_is_best_and_an_exact_tie_goes_to_the_smaller_subset()
    {
        var losses = new Dictionary<int, double> { [3] = 1.0, [2] = 0.8, [1] = 0.8 };
        var result = RecursiveFeatureElimination.Run(["x", "y", "z"], s => new SubsetEvaluation(losses[s.Count], s.Select(f => f == "x" ? 1.0 : 0.0).ToArray()),
            drop: 1, minFeatures: 1, tolerance: 0, higherIsBetter: false);
        Assert.Equal(["x"], result.Selected);
    }

    [Fact]
    public void Equal_importances_drop_the_later_feature_first()
    {
        var result = RecursiveFeatureElimination.Run(["p", "q", "r"], s => new SubsetEvaluation(1, s.Select(_ => 1.0).ToArray()), 1, 1, 0, true);
        Assert.Equal(["r"], result.Rounds[0].Dropped);
        Assert.Equal(["q"], result.Rounds[1].Dropped);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RecursiveFeatureElimination.Run(["a"], Evaluate, 0, 1, 0, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => RecursiveFeatureElimination.Run(["a"], Evaluate, 1, 2, 0, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => RecursiveFeatureElimination.Run(["a"], Evaluate, 1, 1, -1, true));
    }
}
