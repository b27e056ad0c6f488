namespace Pipelines.Learning.Features;

/// <summary>A feature definition (or a set of them) that cannot be evaluated; the message names the feature and why.</summary>
public sealed class FeatureDefinitionException(string message) : Exception(message);
