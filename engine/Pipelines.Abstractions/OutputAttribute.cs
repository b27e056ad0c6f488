namespace Pipelines.Abstractions;

/// <summary>Documents one output of a step; put it on the properties of the step's output record.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class OutputAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}
