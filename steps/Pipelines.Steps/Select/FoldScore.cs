using Pipelines.Steps.Train;

namespace Pipelines.Steps.Select;

/// <summary>The metric folds are scored on, as train steps report it, and which way is better.</summary>
internal sealed record FoldScore(ModelTask Task, string Metric, int Classes)
{
    public bool HigherIsBetter => ModelMetrics.HigherIsBetter(Metric);

    public double Of(double[] labels, double[] predictions) => ModelMetrics.Compute(Task, Metric, labels, predictions, Classes);
}
