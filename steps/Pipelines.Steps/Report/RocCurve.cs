using Pipelines.Learning.Metrics;

namespace Pipelines.Steps.Report;

/// <summary>
/// The ROC curve of one score against one class: a point per distinct threshold, highest first, and the area
/// under it. A multiclass model gets one per class, that class's probability against all the other classes.
/// </summary>
internal sealed record RocCurve(IReadOnlyList<(double X, double Y)> Points, double Auc)
{
    /// <summary>More points than this are thinned for drawing; the area is always computed from every row.</summary>
    private const int DrawnPoints = 1500;

    /// <summary>The curve of <paramref name="scores"/> for rows where <paramref name="positive"/> holds; null when the rows hold only one side.</summary>
    public static RocCurve? Of(bool[] positive, double[] scores)
    {
        var positives = positive.Count(p => p);
        var negatives = positive.Length - positives;
        if (positives == 0 || negatives == 0) return null;
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<(double, double)> { (0, 0) };
        double tp = 0, fp = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (positive[order[k]]) tp++;
            else fp++;
            // Rows with equal scores cross the threshold together, so they make one point (a diagonal step), not a staircase.
            if (k + 1 == order.Length || scores[order[k + 1]] != scores[order[k]])
                points.Add((fp / negatives, tp / positives));
        }
        if (points.Count > DrawnPoints)
            points = points.Where((_, i) => i % (points.Count / DrawnPoints + 1) == 0 || i == points.Count - 1).ToList();
        var auc = ClassificationMetrics.RocAuc(positive.Select(p => p ? 1 : 0).ToArray(), scores);
        return new RocCurve(points, auc);
    }

    /// <summary>One class against the rest: positives are the rows labelled <paramref name="classIndex"/>, scored by its probability.</summary>
    public static RocCurve? OneVsRest(double[] labels, double[][] probabilities, int classIndex) =>
        Of(labels.Select(l => (int)l == classIndex).ToArray(), probabilities.Select(p => p[classIndex]).ToArray());
}
