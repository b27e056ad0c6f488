using System.Text;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// YAML values compared and shown by meaning: text and type of every scalar, keys and items in order;
/// comments, quoting style and flow or block layout do not count.
/// </summary>
internal static class YamlValues
{
    public static bool Equal(YamlNode? a, YamlNode? b, Func<string, string>? rewriteOld = null) => (a, b) switch
    {
        (null, null) => true,
        (YamlScalar x, YamlScalar y) => TypeOf(x) == TypeOf(y) && (rewriteOld is null ? x.Value : rewriteOld(x.Value)) == y.Value,
        (YamlSequence x, YamlSequence y) => x.Items.Count == y.Items.Count
            && x.Items.Zip(y.Items).All(p => Equal(p.First, p.Second, rewriteOld)),
        (YamlMapping x, YamlMapping y) => x.Entries.Count == y.Entries.Count
            && x.Entries.Zip(y.Entries).All(p => p.First.Key.Value == p.Second.Key.Value && Equal(p.First.Value, p.Second.Value, rewriteOld)),
        _ => false,
    };

    /// <summary>
    /// Whether two <c>with:</c> mappings give a step the same inputs: absent and empty are the same, and the
    /// order of the input names does not matter (they bind to properties), though order inside a value does.
    /// </summary>
    public static bool SameInputs(YamlMapping? a, YamlMapping? b, Func<string, string>? rewriteOld = null)
    {
        var left = a?.Entries ?? [];
        if (left.Count != (b?.Entries.Count ?? 0)) return false;
        foreach (var (key, value) in left)
            if (b!.Get(key.Value) is not { } other || !Equal(value, other, rewriteOld)) return false;
        return true;
    }

    /// <summary>One-line YAML flow text of a value, e.g. <c>{ bars: ${{ steps.a.outputs.table }}, n: 5 }</c>.</summary>
    public static string Compact(YamlNode node)
    {
        var builder = new StringBuilder();
        AppendCompact(builder, node, topLevel: true);
        return builder.ToString();
    }

    public static bool IsMultiLine(YamlNode? node) => node is YamlScalar s && s.Value.Contains('\n');

    private static void AppendCompact(StringBuilder builder, YamlNode node, bool topLevel)
    {
        switch (node)
        {
            case YamlScalar { IsNull: true, Value: "" }:
                builder.Append("null");
                break;
            case YamlScalar scalar:
                builder.Append(YamlScalarText.Inline(scalar, inFlow: !topLevel));
                break;
            case YamlSequence sequence:
                builder.Append('[');
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    if (i > 0) builder.Append(", ");
                    AppendCompact(builder, sequence.Items[i], topLevel: false);
                }
                builder.Append(']');
                break;
            case YamlMapping mapping:
                if (mapping.Entries.Count == 0)
                {
                    builder.Append("{}");
                    break;
                }
                builder.Append("{ ");
                for (var i = 0; i < mapping.Entries.Count; i++)
                {
                    if (i > 0) builder.Append(", ");
                    builder.Append(YamlScalarText.Inline(mapping.Entries[i].Key, inFlow: true)).Append(": ");
                    AppendCompact(builder, mapping.Entries[i].Value, topLevel: false);
                }
                builder.Append(" }");
                break;
        }
    }

    private static string TypeOf(YamlScalar scalar) =>
        scalar.IsNull ? "null" : scalar.TryGetBoolean(out _) ? "bool" : scalar.TryGetNumber(out _) ? "number" : "string";
}
