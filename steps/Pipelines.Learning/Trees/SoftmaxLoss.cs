namespace Pipelines.Learning.Trees;

/// <summary>Multiclass softmax log loss, one tree per class per iteration, labels 0..K-1.</summary>
internal sealed class SoftmaxLoss : LossFunction
{
    private readonly int _classes;

    // The diagonal Newton step for softmax overshoots by K/(K-1) (LightGBM scales the hessian by this factor).
    private readonly double _hessianFactor;

    public SoftmaxLoss(int classes)
    {
        _classes = classes;
        _hessianFactor = classes / (classes - 1.0);
    }

    public override int ClassCount => _classes;

    public override string MetricName => "multi_logloss";

    public override ModelObjective ModelObjective => ModelObjective.Multiclass(_classes);

    public override void CheckLabels(double[] labels, string dataName, bool training)
    {
        CheckFinite(labels, dataName);
        var seen = new bool[_classes];
        for (int i = 0; i < labels.Length; i++)
        {
            double y = labels[i];
            if (y < 0 || y >= _classes || y != Math.Floor(y))
                throw new ArgumentException($"{dataName}: the label of row {i + 1} is {y}; the multiclass objective needs integer labels 0..{_classes - 1}.");
            seen[(int)y] = true;
        }
        if (training && seen.Count(s => s) < 2)
            throw new ArgumentException($"{dataName}: every label is {labels[0]}; a classifier needs at least two classes.");
    }

    public override double InitScore(int classIndex, double[] labels)
    {
        int count = 0;
        foreach (double y in labels)
        {
            if ((int)y == classIndex) count++;
        }
        return Math.Log(Math.Max(1e-15, (double)count / labels.Length));
    }

    public override void Gradients(double[] labels, double[] scores, double[] gradientPairs, int rows, int begin, int end)
    {
        int k = _classes;
        for (int i = begin; i < end; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++) max = Math.Max(max, scores[c * rows + i]);
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.Exp(scores[c * rows + i] - max);
            int label = (int)labels[i];
            for (int c = 0; c < k; c++)
            {
                double p = Math.Exp(scores[c * rows + i] - max) / sum;
                long at = 2L * (c * rows + i);
                gradientPairs[at] = c == label ? p - 1 : p;
                gradientPairs[at + 1] = _hessianFactor * p * (1 - p);
            }
        }
    }

    public override double Metric(double[] labels, double[] scores, int rows)
    {
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < _classes; c++) max = Math.Max(max, scores[c * rows + i]);
            double sum = 0;
            for (int c = 0; c < _classes; c++) sum += Math.Exp(scores[c * rows + i] - max);
            double p = Math.Exp(scores[(int)labels[i] * rows + i] - max) / sum;
            total -= Math.Log(Math.Max(p, 1e-15));
        }
        return total / rows;
    }
}
