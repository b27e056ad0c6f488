namespace Pipelines.Learning.Selection;

/// <summary>One round of recursive feature elimination: the subset evaluated (numbered from 1), its score and importances, and the features then dropped.</summary>
public sealed record EliminationRound(int Round, IReadOnlyList<string> Features, double Score, IReadOnlyList<double> Importance, IReadOnlyList<string> Dropped);
