namespace Pipelines.Steps.Explain;

/// <summary>What the shallow tree of explain/rules imitates: the labels (rules of the market) or the model's predicted class (rules of the model).</summary>
public enum RulesTarget
{
    Labels,
    Predictions,
}
