namespace Pipelines.Learning.Selection;

/// <summary>The unpermuted score, and per feature the mean and sample standard deviation of the score lost over the repeats.</summary>
public sealed record PermutationScores(double Baseline, double[] Importance, double[] StandardDeviation);
