namespace Pipelines.Learning.Trees;

/// <summary>One feature's SHAP value for one row and class.</summary>
public readonly record struct FeatureContribution(int Feature, double Value);
