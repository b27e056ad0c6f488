using System.Text;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Tests.Formatting;

/// <summary>
/// A structural fingerprint of a YAML tree: every scalar's text and the type YAML gives it, keys in order.
/// Two trees with the same fingerprint mean the same thing to the engine. The order of root keys and of
/// step keys carries no meaning (the canonical form fixes it), so those are compared in canonical order.
/// </summary>
internal static class YamlTree
{
    public static string Describe(YamlNode node)
    {
        var builder = new StringBuilder();
        Append(builder, node, 0, PipelineParser.RootKeys);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, YamlNode node, int depth, string[]? keyOrder = null, bool isStepList = false)
    {
        var pad = new string(' ', depth * 2);
        switch (node)
        {
            case YamlScalar scalar:
                builder.Append(pad).Append(TypeOf(scalar)).Append(' ').Append(Escape(scalar.Value)).Append('\n');
                break;
            case YamlSequence sequence:
                builder.Append(pad).Append("seq\n");
                foreach (var item in sequence.Items) Append(builder, item, depth + 1, isStepList ? PipelineParser.StepKeys : null);
                break;
            case YamlMapping mapping:
                builder.Append(pad).Append("map\n");
                var entries = keyOrder is null ? mapping.Entries : mapping.Entries.OrderBy(e => Rank(keyOrder, e.Key.Value)).ToList();
                foreach (var (key, value) in entries)
                {
                    builder.Append(pad).Append("key ").Append(TypeOf(key)).Append(' ').Append(Escape(key.Value)).Append('\n');
                    Append(builder, value, depth + 1, isStepList: keyOrder == PipelineParser.RootKeys && key.Value == "steps");
                }
                break;
        }
    }

    private static int Rank(string[] order, string key) => Array.IndexOf(order, key) is var i and >= 0 ? i : order.Length;

    private static string TypeOf(YamlScalar scalar) =>
        scalar.IsNull ? "null" : scalar.TryGetBoolean(out _) ? "bool" : scalar.TryGetNumber(out _) ? "number" : "string";

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
}
