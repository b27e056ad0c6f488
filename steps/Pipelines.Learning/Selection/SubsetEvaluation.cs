namespace Pipelines.Learning.Selection;

/// <summary>A feature subset's cross-validated score and the importance of each of its features, in the subset's order.</summary>
public sealed record SubsetEvaluation(double Score, IReadOnlyList<double> Importance);
