using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Binding;

/// <summary>Reads an untyped YAML value (a parameter default) by YAML's core schema.</summary>
public static class LiteralValue
{
    public static object? From(YamlNode node) => node switch
    {
        YamlScalar { IsNull: true } => null,
        YamlScalar s when s.TryGetBoolean(out var b) => b,
        YamlScalar s when s.TryGetInteger(out var i) => i,
        YamlScalar s when s.TryGetNumber(out var d) => d,
        YamlScalar s => s.Value,
        YamlSequence q => q.Items.Select(From).ToList(),
        YamlMapping m => m.Entries.ToDictionary(e => e.Key.Value, e => From(e.Value)),
        _ => throw new InvalidOperationException(node.GetType().Name),
    };
}
