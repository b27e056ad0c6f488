namespace Pipelines.Steps.Train.Ensemble;

/// <summary>How an ensemble combines its members' predictions.</summary>
public enum EnsembleKind
{
    /// <summary>A linear meta-learner over the members' out-of-fold predictions on the link scale (log-odds, or the value).</summary>
    Stacking,

    /// <summary>The weighted average of the members' probabilities (soft voting) or values.</summary>
    Average,

    /// <summary>A regime (a k-means cluster or a column's value) picks the member that scores the row; others go to the default.</summary>
    Regime,
}
