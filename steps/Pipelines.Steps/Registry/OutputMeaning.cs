namespace Pipelines.Steps.Registry;

/// <summary>What an imported model's output holds.</summary>
public enum OutputMeaning
{
    /// <summary>One probability per declared class (or, for two classes and one column, the probability of the second).</summary>
    Probabilities,

    /// <summary>One predicted number.</summary>
    Regression,

    /// <summary>A policy's action vector: one value per named action, read as they are.</summary>
    Action,
}
