namespace Pipelines.Learning.Metrics;

/// <summary>Mean paired improvement, its one-sided lower confidence bound, and the bootstrap p-value.</summary>
public sealed record PairedBootstrapResult(double MeanImprovement, double LowerBound, double PValue, int Cases);
