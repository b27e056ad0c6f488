namespace Pipelines.Learning.Validation;

/// <summary>
/// One validation split: row indices to fit on and row indices to score on, both ascending. Rows are the
/// positions of time-ordered observations.
/// </summary>
public sealed record Fold(int Number, int[] Train, int[] Test);
