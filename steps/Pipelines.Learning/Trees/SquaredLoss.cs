namespace Pipelines.Learning.Trees;

/// <summary>L2 regression. A constant target is allowed: the model is then that constant.</summary>
internal sealed class SquaredLoss : LossFunction
{
    public override int ClassCount => 1;

    public override string MetricName => "l2";

    public override ModelObjective ModelObjective => ModelObjective.Regression();

    public override void CheckLabels(double[] labels, string dataName, bool training) => CheckFinite(labels, dataName);

    public override double InitScore(int classIndex, double[] labels)
    {
        double sum = 0;
        foreach (double y in labels) sum += y;
        return sum / labels.Length;
    }

    public override void Gradients(double[] labels, double[] scores, double[] gradientPairs, int rows, int begin, int end)
    {
        for (int i = begin; i < end; i++)
        {
            gradientPairs[2 * i] = scores[i] - labels[i];
            gradientPairs[2 * i + 1] = 1.0;
        }
    }

    public override double Metric(double[] labels, double[] scores, int rows)
    {
        double sum = 0;
        for (int i = 0; i < rows; i++)
        {
            double d = scores[i] - labels[i];
            sum += d * d;
        }
        return sum / rows;
    }
}
