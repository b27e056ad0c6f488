using System.Reflection;
using System.Runtime.CompilerServices;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Catalog;

/// <summary>
/// One documented property of an input record, output record or settings section. A property marked
/// <c>required</c> must be given; otherwise its initializer is the default.
/// </summary>
public sealed class PropertyDescriptor
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required ValueType Type { get; init; }
    public required bool IsRequired { get; init; }
    public required object? DefaultValue { get; init; }
    public string? UIHint { get; init; }
    public string? Example { get; init; }
    public required PropertyInfo Property { get; init; }

    /// <summary>The check on a map input's keys, when the property declares one with <see cref="InputKeysAttribute"/>.</summary>
    public IInputKeyCheck? KeyCheck { get; init; }

    public static IReadOnlyList<PropertyDescriptor> ForType(System.Type recordType)
    {
        var prototype = CreatePrototype(recordType);
        var result = new List<PropertyDescriptor>();
        foreach (var property in recordType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var input = property.GetCustomAttribute<InputAttribute>();
            var output = property.GetCustomAttribute<OutputAttribute>();
            if (input is null && output is null) continue;
            var required = property.GetCustomAttribute<RequiredMemberAttribute>() is not null;
            var keys = property.GetCustomAttribute<InputKeysAttribute>();
            result.Add(new PropertyDescriptor
            {
                Name = NameConvention.ToSnakeCase(property.Name),
                Description = input?.Description ?? output!.Description,
                Type = ValueType.Of(property.PropertyType),
                IsRequired = input is not null && required,
                DefaultValue = required || prototype is null ? null : property.GetValue(prototype),
                UIHint = input?.UIHint,
                Example = input?.Example,
                Property = property,
                KeyCheck = keys is null ? null : (IInputKeyCheck)Activator.CreateInstance(keys.Check)!,
            });
        }
        return result;
    }

    // Defaults live in property initializers; a prototype built without running 'required' checks exposes them.
    private static object? CreatePrototype(System.Type type) =>
        type.GetConstructor(System.Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);
}
