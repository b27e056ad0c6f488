namespace Pipelines.Learning.Trees;

/// <summary>The transform from raw scores to predictions that an objective implies.</summary>
public enum ObjectiveKind
{
    /// <summary>Regression family: the raw score is the prediction.</summary>
    Identity,

    /// <summary>Binary log loss: p = 1 / (1 + exp(-sigmoid * raw)).</summary>
    Sigmoid,

    /// <summary>Multiclass: softmax over the per-class raw scores.</summary>
    Softmax,

    /// <summary>Multiclass one-versus-all: a sigmoid per class.</summary>
    SigmoidPerClass,

    /// <summary>Log-link regression (poisson, gamma, tweedie): exp(raw).</summary>
    Exponential,
}
