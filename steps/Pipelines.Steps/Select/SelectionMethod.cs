namespace Pipelines.Steps.Select;

/// <summary>How select/features picks its list.</summary>
public enum SelectionMethod
{
    /// <summary>Recursive feature elimination: drop the least important features round by round, keep the best subset (or the smallest within tolerance).</summary>
    Rfe,

    /// <summary>The features with the most LightGBM gain.</summary>
    Gain,

    /// <summary>The features LightGBM splits on most often.</summary>
    Split,

    /// <summary>The features whose shuffling costs the most score on the validation folds.</summary>
    Permutation,
}
