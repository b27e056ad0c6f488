using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

/// <summary>
/// Which recorded shadow decisions to replay. A classifier's errors are the decisions whose predicted class (a binary
/// probability of at least 0.5 means class 1; a multiclass record holds the class index) is not the outcome, newest
/// first; a regression's are its decisions ranked by absolute error, largest first. A row of a table seen by several
/// comparisons counts once, by its newest record. At most <c>maxRows</c> are kept, so the replay stays bounded.
/// </summary>
public static class ErrorSelection
{
    public static (IReadOnlyList<ShadowOutcome> Selected, int Errors) Select(IReadOnlyList<ShadowOutcome> outcomes, ModelTask task, TimeSpan? since, int maxRows)
    {
        if (outcomes.Count == 0) return ([], 0);
        var newest = outcomes.Max(o => o.RecordedAt);
        var recent = outcomes
            .Where(o => since is not { } window || o.RecordedAt >= newest - window)
            .GroupBy(o => (o.DataSha256, o.Row))
            .Select(g => g.MaxBy(o => o.RecordedAt)!)
            .ToList();
        if (task == ModelTask.Regression)
        {
            var ranked = recent.OrderByDescending(o => Math.Abs(o.Champion - o.Outcome)).ThenByDescending(o => o.RecordedAt).ThenByDescending(o => o.Row).ToList();
            return (ranked.Take(maxRows).ToList(), ranked.Count);
        }
        var errors = recent.Where(o => PredictedClass(o.Champion, task) != (int)Math.Round(o.Outcome))
            .OrderByDescending(o => o.RecordedAt).ThenByDescending(o => o.Row).ToList();
        return (errors.Take(maxRows).ToList(), errors.Count);
    }

    private static int PredictedClass(double champion, ModelTask task) => task == ModelTask.Binary ? (champion >= 0.5 ? 1 : 0) : (int)Math.Round(champion);
}
