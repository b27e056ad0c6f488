using System.Reflection;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Catalog;

/// <summary>
/// Everything known about a step type without running it, read from its class and records: the single
/// source for validation, docs, the JSON Schema and the Elsa activity descriptors.
/// </summary>
public sealed class StepDescriptor
{
    public required string TypeName { get; init; }
    public required string Category { get; init; }
    public required string DisplayName { get; init; }
    public required string Description { get; init; }
    public required int Version { get; init; }

    /// <summary>Whether an earlier identical run of the step may be reused (see <see cref="StepAttribute.Cacheable"/>).</summary>
    public required bool Cacheable { get; init; }

    /// <summary>Whether the default step timeout is waived (see <see cref="StepAttribute.LongRunning"/>).</summary>
    public bool LongRunning { get; init; }
    public required Type StepClass { get; init; }
    public required Type InputType { get; init; }
    public required Type OutputType { get; init; }
    public required IReadOnlyList<PropertyDescriptor> Inputs { get; init; }
    public required IReadOnlyList<PropertyDescriptor> Outputs { get; init; }

    public PropertyDescriptor? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);
    public PropertyDescriptor? FindOutput(string name) => Outputs.FirstOrDefault(o => o.Name == name);

    public IStep CreateInstance() => (IStep)Activator.CreateInstance(StepClass)!;

    public static StepDescriptor FromType(Type stepClass)
    {
        var attribute = stepClass.GetCustomAttribute<StepAttribute>()
            ?? throw new InvalidOperationException($"{stepClass.Name} has no [Step] attribute");
        var baseType = stepClass.BaseType;
        while (baseType is not null && !(baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(Step<,>)))
            baseType = baseType.BaseType;
        if (baseType is null)
            throw new InvalidOperationException($"{stepClass.Name} does not derive from Step<TInputs, TOutputs>");
        var args = baseType.GetGenericArguments();
        return new StepDescriptor
        {
            TypeName = attribute.TypeName,
            Category = attribute.Category,
            DisplayName = attribute.DisplayName,
            Description = attribute.Description,
            Version = attribute.Version,
            Cacheable = attribute.Cacheable,
            LongRunning = attribute.LongRunning,
            StepClass = stepClass,
            InputType = args[0],
            OutputType = args[1],
            Inputs = PropertyDescriptor.ForType(args[0]),
            Outputs = PropertyDescriptor.ForType(args[1]),
        };
    }
}
