namespace Pipelines.Steps.Train;

/// <summary>How trials are cross-validated over the training rows.</summary>
public enum TuningScheme
{
    /// <summary>Anchored walk-forward: each fold trains on everything before its test block, less the gap.</summary>
    WalkForward,

    /// <summary>K-fold over contiguous blocks with labels spanning the gap purged and the gap embargoed after each block.</summary>
    PurgedKfold,
}
