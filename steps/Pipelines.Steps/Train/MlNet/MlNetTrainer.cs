namespace Pipelines.Steps.Train.MlNet;

/// <summary>The ML.NET trainers train/mlnet offers, by the names a pipeline gives them (snake_case).</summary>
public enum MlNetTrainer
{
    /// <summary>Random forest: binary (Platt-calibrated probabilities) or regression.</summary>
    FastForest,

    /// <summary>Gradient-boosted trees (MART): binary (Platt-calibrated) or regression.</summary>
    FastTree,

    /// <summary>Generalised additive model of one shape function per feature: binary (Platt-calibrated) or regression.</summary>
    Gam,

    /// <summary>L-BFGS logistic regression: binary, or multinomial (maximum entropy) for more than two classes.</summary>
    LbfgsLogisticRegression,

    /// <summary>Online gradient descent on a linear model with squared loss: regression.</summary>
    OnlineGradientDescent,

    /// <summary>k-means++ clustering without a target; the model predicts each row's cluster (a regime).</summary>
    Kmeans,
}
