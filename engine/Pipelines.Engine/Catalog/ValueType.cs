using System.Reflection;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Catalog;

/// <summary>
/// The declared type of an input, output or setting, derived from its CLR type. One description drives
/// binding, validation, the JSON Schema, the generated docs and the Elsa descriptors.
/// </summary>
public sealed class ValueType
{
    public ValueKind Kind { get; }
    public Type ClrType { get; }

    /// <summary>Element type of a list, value type of a map.</summary>
    public ValueType? Element { get; }

    /// <summary>Allowed names of an enum, in declaration order, as written in YAML.</summary>
    public IReadOnlyList<string> EnumNames { get; } = [];

    /// <summary>Properties of an object (a record whose properties carry <see cref="InputAttribute"/>).</summary>
    public IReadOnlyList<PropertyDescriptor> Properties { get; } = [];

    private ValueType(ValueKind kind, Type clrType, ValueType? element = null)
    {
        Kind = kind;
        ClrType = clrType;
        Element = element;
        if (kind == ValueKind.Enum)
            EnumNames = Enum.GetNames(clrType).Select(NameConvention.ToSnakeCase).ToArray();
        if (kind == ValueKind.Object)
            Properties = PropertyDescriptor.ForType(clrType);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ValueType> Known = new();

    /// <summary>The description of a CLR type; built once per type by reflection, then shared.</summary>
    public static ValueType Of(Type type) => Known.GetOrAdd(type, Describe);

    private static ValueType Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return new(ValueKind.String, type);
        if (type == typeof(int) || type == typeof(long)) return new(ValueKind.Integer, type);
        if (type == typeof(double) || type == typeof(float)) return new(ValueKind.Number, type);
        if (type == typeof(bool)) return new(ValueKind.Boolean, type);
        if (type == typeof(TimeSpan)) return new(ValueKind.Duration, type);
        if (type.IsEnum) return new(ValueKind.Enum, type);
        if (type == typeof(Artifact)) return new(ValueKind.Artifact, type);
        if (type == typeof(WorkspacePath)) return new(ValueKind.Path, type);
        if (type.IsArray) return new(ValueKind.List, type, Of(type.GetElementType()!));
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (definition == typeof(IReadOnlyList<>) || definition == typeof(List<>) || definition == typeof(IList<>))
                return new(ValueKind.List, type, Of(args[0]));
            if ((definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Dictionary<,>)) && args[0] == typeof(string))
                return new(ValueKind.Map, type, Of(args[1]));
        }
        if (type.IsClass && type.GetProperties().Any(p => p.GetCustomAttribute<InputAttribute>() is not null || p.GetCustomAttribute<OutputAttribute>() is not null))
            return new(ValueKind.Object, type);
        throw new InvalidOperationException($"type {type.Name} cannot be used as a step input or output");
    }

    /// <summary>How the type is written in docs and messages, e.g. <c>list&lt;string&gt;</c>.</summary>
    public string DisplayName => Kind switch
    {
        ValueKind.List => $"list<{Element!.DisplayName}>",
        ValueKind.Map => $"map<{Element!.DisplayName}>",
        ValueKind.Enum => string.Join(" | ", EnumNames),
        ValueKind.Object => "object",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Whether a value of type <paramref name="source"/> can be bound to this type.</summary>
    public bool Accepts(ValueType source) => Kind switch
    {
        ValueKind.String => source.Kind is ValueKind.String or ValueKind.Integer or ValueKind.Number or ValueKind.Boolean or ValueKind.Enum or ValueKind.Duration,
        ValueKind.Number => source.Kind is ValueKind.Number or ValueKind.Integer or ValueKind.String,
        ValueKind.Integer or ValueKind.Boolean or ValueKind.Duration or ValueKind.Enum => source.Kind == Kind || source.Kind == ValueKind.String,
        ValueKind.Path => source.Kind == ValueKind.String,
        ValueKind.Artifact => source.Kind == ValueKind.Artifact,
        ValueKind.List or ValueKind.Map => source.Kind == Kind && Element!.Accepts(source.Element!),
        ValueKind.Object => source.Kind == ValueKind.Object && source.ClrType == ClrType,
        _ => false,
    };
}
