namespace Pipelines.Learning.Tests.Trees;

/// <summary>Plain textbook metrics, written out here so trainer tests do not rely on other library code.</summary>
internal static class Metrics
{
    /// <summary>Area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties sharing average ranks.</summary>
    public static double Auc(double[] labels, double[] scores)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        double rankSumPositive = 0;
        int positives = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]]) j++;
            double averageRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++)
            {
                if (labels[order[k]] == 1)
                {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j;
        }
        int negatives = labels.Length - positives;
        return (rankSumPositive - (double)positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    public static double LogLoss(double[] labels, double[] probabilities) =>
        -labels.Select((y, i) => y == 1 ? Math.Log(probabilities[i]) : Math.Log(1 - probabilities[i])).Average();

    public static double Rmse(double[] labels, double[] predictions) =>
        Math.Sqrt(labels.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());

    /// <summary>Mean negative log probability of the true class; probabilities[row][class].</summary>
    public static double MultiLogLoss(double[] labels, double[][] probabilities) =>
        -labels.Select((y, i) => Math.Log(probabilities[i][(int)y])).Average();
}
