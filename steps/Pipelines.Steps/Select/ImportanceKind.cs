namespace Pipelines.Steps.Select;

/// <summary>The importance recursive feature elimination ranks features by in each round.</summary>
public enum ImportanceKind
{
    /// <summary>LightGBM's total gain of the splits on the feature, mean over the folds' models.</summary>
    Gain,

    /// <summary>LightGBM's count of splits on the feature, mean over the folds' models.</summary>
    Split,

    /// <summary>The score lost on a fold's test rows when the feature's column is shuffled, mean over folds and repeats.</summary>
    Permutation,
}
