namespace Pipelines.Learning.Selection;

/// <summary>
/// Recursive feature elimination (Guyon, Weston, Barnhill and Vapnik 2002), scored by cross-validation:
/// <list type="number">
/// <item>S_0 is every feature. Round t evaluates S_t: its cross-validated score c_t and an importance per feature of
/// S_t, both from the same models.</item>
/// <item>Unless |S_t| is already <c>minFeatures</c>, S_{t+1} is S_t less its min(<c>drop</c>, |S_t| − <c>minFeatures</c>)
/// least important features (equal importance: the feature later in the original order goes first).</item>
/// <item>With c* the best of the c_t (the largest when higher is better, else the smallest), the chosen subset is the
/// smallest S_t whose score is within <c>tolerance</c> of c*: c_t ≥ c* − tolerance (higher better) or
/// c_t ≤ c* + tolerance (lower better). Tolerance 0 keeps the best; on an exact tie the smaller subset wins.</item>
/// </list>
/// Greedy: the subsets tried are nested, so with p features RFE evaluates at most p subsets, not 2^p.
/// </summary>
public static class RecursiveFeatureElimination
{
    public static EliminationResult Run(IReadOnlyList<string> features, Func<IReadOnlyList<string>, SubsetEvaluation> evaluate,
        int drop, int minFeatures, double tolerance, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(evaluate);
        if (features.Count == 0) throw new ArgumentException("at least one feature is needed", nameof(features));
        if (drop < 1) throw new ArgumentOutOfRangeException(nameof(drop), drop, "at least one feature must be dropped per round");
        if (minFeatures < 1 || minFeatures > features.Count)
            throw new ArgumentOutOfRangeException(nameof(minFeatures), minFeatures, $"must be between 1 and the {features.Count} features");
        if (!(tolerance >= 0) || double.IsInfinity(tolerance)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "must be a finite number, at least 0");

        var position = features.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
        var rounds = new List<EliminationRound>();
        IReadOnlyList<string> current = features.ToList();
        while (true)
        {
            var evaluation = evaluate(current);
            if (evaluation.Importance.Count != current.Count)
                throw new InvalidOperationException($"the evaluation gave {evaluation.Importance.Count} importances for {current.Count} features");
            var removable = Math.Min(drop, current.Count - minFeatures);
            var dropped = current.Select((f, i) => (Feature: f, Importance: evaluation.Importance[i]))
                .OrderBy(p => p.Importance).ThenByDescending(p => position[p.Feature]).Take(removable).Select(p => p.Feature).ToList();
            rounds.Add(new EliminationRound(rounds.Count + 1, current, evaluation.Score, evaluation.Importance, dropped));
            if (removable == 0) break;
            var gone = dropped.ToHashSet(StringComparer.Ordinal);
            current = current.Where(f => !gone.Contains(f)).ToList();
        }

        var best = higherIsBetter ? rounds.Max(r => r.Score) : rounds.Min(r => r.Score);
        var chosen = rounds.Where(r => higherIsBetter ? r.Score >= best - tolerance : r.Score <= best + tolerance)
            .OrderBy(r => r.Features.Count).First();
        return new EliminationResult(rounds, chosen.Round - 1);
    }
}
