namespace Pipelines.Learning.Linear;

/// <summary>What a linear model predicts.</summary>
public enum LinearObjective
{
    /// <summary>Binary classification: P(y = 1) = sigmoid(w·z + b), fitted by penalised maximum likelihood.</summary>
    Logistic,

    /// <summary>Regression: y ≈ w·z + b, fitted by penalised least squares.</summary>
    Ridge,
}
