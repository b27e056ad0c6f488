namespace Pipelines.Learning.Trees;

/// <summary>The loss a GBDT model is trained on.</summary>
public enum TrainingObjective
{
    /// <summary>Squared error (LightGBM "regression" / L2).</summary>
    Regression,

    /// <summary>Log loss on labels 0/1 (LightGBM "binary").</summary>
    Binary,

    /// <summary>Softmax log loss on labels 0..num_class-1 (LightGBM "multiclass").</summary>
    Multiclass,
}
