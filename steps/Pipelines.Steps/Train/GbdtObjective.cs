namespace Pipelines.Steps.Train;

/// <summary>
/// LightGBM's objectives that learn from a table's rows alone (the ranking ones also need query groups, which a
/// table step does not have). Written in pipelines by LightGBM's own names: binary, huber, quantile, ...
/// </summary>
public enum GbdtObjective
{
    Binary,
    Multiclass,
    Multiclassova,
    Regression,
    RegressionL1,
    Huber,
    Fair,
    Quantile,
    Mape,
    Poisson,
    Gamma,
    Tweedie,
    CrossEntropy,
    CrossEntropyLambda,
}
