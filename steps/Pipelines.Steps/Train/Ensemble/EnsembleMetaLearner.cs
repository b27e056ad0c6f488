namespace Pipelines.Steps.Train.Ensemble;

/// <summary>What learns to combine a stacking ensemble's members from their out-of-fold predictions.</summary>
public enum EnsembleMetaLearner
{
    /// <summary>train/linear's fit: logistic regression on the members' log-odds (binary), ridge on their values (regression).</summary>
    Linear,

    /// <summary>
    /// LightGBM: binary on the members' log-odds, regression on their values, multiclass on every member's class
    /// probabilities; small trees by default, since it learns from a few meta-features.
    /// </summary>
    Gbdt,
}
