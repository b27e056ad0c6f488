namespace Pipelines.Learning.Trees;

/// <summary>Binary log loss with p = 1 / (1 + exp(-sigmoid * score)), labels 0 and 1.</summary>
internal sealed class LogisticLoss : LossFunction
{
    private readonly double _sigmoid;

    public LogisticLoss(double sigmoid) => _sigmoid = sigmoid;

    public override int ClassCount => 1;

    public override string MetricName => "binary_logloss";

    public override ModelObjective ModelObjective => ModelObjective.Binary(_sigmoid);

    public override void CheckLabels(double[] labels, string dataName, bool training)
    {
        CheckFinite(labels, dataName);
        bool seenZero = false;
        bool seenOne = false;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == 0) seenZero = true;
            else if (labels[i] == 1) seenOne = true;
            else throw new ArgumentException($"{dataName}: the label of row {i + 1} is {labels[i]}; the binary objective needs labels 0 or 1.");
        }
        if (training && !(seenZero && seenOne))
            throw new ArgumentException($"{dataName}: every label is {(seenOne ? 1 : 0)}; a binary classifier needs both classes.");
    }

    public override double InitScore(int classIndex, double[] labels)
    {
        double positives = 0;
        foreach (double y in labels) positives += y;
        double p = positives / labels.Length;
        return Math.Log(p / (1 - p)) / _sigmoid;
    }

    public override void Gradients(double[] labels, double[] scores, double[] gradientPairs, int rows, int begin, int end)
    {
        double s = _sigmoid;
        for (int i = begin; i < end; i++)
        {
            double p = 1.0 / (1.0 + Math.Exp(-s * scores[i]));
            gradientPairs[2 * i] = s * (p - labels[i]);
            gradientPairs[2 * i + 1] = s * s * p * (1 - p);
        }
    }

    public override double Metric(double[] labels, double[] scores, int rows)
    {
        double sum = 0;
        for (int i = 0; i < rows; i++)
        {
            double p = Math.Clamp(1.0 / (1.0 + Math.Exp(-_sigmoid * scores[i])), 1e-15, 1 - 1e-15);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / rows;
    }
}
