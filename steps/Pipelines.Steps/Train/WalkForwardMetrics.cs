namespace Pipelines.Steps.Train;

/// <summary>Metrics of refits on expanding windows of the training rows, each judged on the rows after it.</summary>
public sealed record WalkForwardMetrics
{
    public required int Folds { get; init; }
    public required IReadOnlyDictionary<string, double?> Mean { get; init; }
    public required IReadOnlyList<IReadOnlyDictionary<string, double?>> PerFold { get; init; }
}
