namespace Pipelines.Learning.Trees;

/// <summary>
/// A training objective: label checks, the starting score, per-row gradients and hessians, and the validation
/// metric (lower is better). Scores are class-major: entry k * rows + row. Gradients and hessians are written as
/// pairs in the same order, gradient at 2 * (k * rows + row) and hessian right after it, so a tree reading a
/// row's pair touches one cache line.
/// </summary>
internal abstract class LossFunction
{
    public abstract int ClassCount { get; }

    public abstract string MetricName { get; }

    public abstract ModelObjective ModelObjective { get; }

    /// <summary>Throws naming the first row whose label this objective cannot use; training data must also hold every class it needs.</summary>
    public abstract void CheckLabels(double[] labels, string dataName, bool training);

    public abstract double InitScore(int classIndex, double[] labels);

    public abstract void Gradients(double[] labels, double[] scores, double[] gradientPairs, int rows, int begin, int end);

    public abstract double Metric(double[] labels, double[] scores, int rows);

    public static LossFunction Create(GbdtParameters parameters) => parameters.Objective switch
    {
        TrainingObjective.Regression => new SquaredLoss(),
        TrainingObjective.Binary => new LogisticLoss(parameters.Sigmoid),
        TrainingObjective.Multiclass => new SoftmaxLoss(parameters.NumClass),
        _ => throw new ArgumentOutOfRangeException(nameof(parameters), parameters.Objective, "Unknown objective."),
    };

    protected static void CheckFinite(double[] labels, string dataName)
    {
        if (labels.Length == 0) throw new ArgumentException($"{dataName} has no rows.");
        for (int i = 0; i < labels.Length; i++)
        {
            if (!double.IsFinite(labels[i]))
                throw new ArgumentException($"{dataName}: the label of row {i + 1} is {labels[i]}; labels must be finite numbers.");
        }
    }
}
