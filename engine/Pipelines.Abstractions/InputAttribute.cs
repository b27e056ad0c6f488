namespace Pipelines.Abstractions;

/// <summary>
/// Documents one input of a step. Put it on the properties of the step's input record; a property with a
/// default value in the record is optional, one without is required.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class InputAttribute(string description) : Attribute
{
    public string Description { get; } = description;

    /// <summary>An editor hint in Elsa's vocabulary (e.g. "singleline", "multiline", "code-editor", "checkbox").</summary>
    public string? UIHint { get; init; }

    /// <summary>An example value shown in documentation.</summary>
    public string? Example { get; init; }
}
