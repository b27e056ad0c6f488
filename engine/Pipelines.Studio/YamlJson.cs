using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Yaml;

namespace Pipelines.Studio;

/// <summary>
/// Moves values between YAML and JSON by meaning: a plain <c>true</c> is a boolean, a quoted one is text; text
/// that would read back as something else is quoted on the way in. Where a new value means the same as the one
/// in the file, the file's node is kept, so its comments and quoting survive a trip through the designer.
/// </summary>
public static class YamlJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlScalar scalar => ScalarToJson(scalar),
        YamlSequence sequence => new JsonArray(sequence.Items.Select(ToJson).ToArray()),
        YamlMapping mapping => ToJsonObject(mapping),
        _ => throw new ArgumentException($"cannot convert a {node.KindName} node", nameof(node)),
    };

    private static JsonObject ToJsonObject(YamlMapping mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Entries) result[key.Value] = ToJson(value);
        return result;
    }

    private static JsonNode? ScalarToJson(YamlScalar scalar)
    {
        if (scalar.IsQuoted) return JsonValue.Create(scalar.Value);
        if (scalar.IsNull) return null;
        if (scalar.TryGetBoolean(out var flag)) return JsonValue.Create(flag);
        if (scalar.TryGetInteger(out var integer)) return JsonValue.Create(integer);
        if (scalar.TryGetNumber(out var number) && double.IsFinite(number)) return JsonValue.Create(number);
        return JsonValue.Create(scalar.Value);
    }

    /// <summary>Indented JSON text of a structured YAML value, as the designer's text editors show it.</summary>
    public static string ToJsonText(YamlNode node) => ToJson(node)?.ToJsonString(Indented) ?? "null";

    public static YamlNode FromJson(JsonNode? node, SourceLocation at) => node switch
    {
        null => new YamlScalar(at, "null", false),
        JsonObject obj => new YamlMapping(at, obj.Select(p => new KeyValuePair<YamlScalar, YamlNode>(Text(p.Key, at), FromJson(p.Value, at))).ToList(), false),
        JsonArray array => new YamlSequence(at, array.Select(i => FromJson(i, at)).ToList(), false),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Text(value.GetValue<string>(), at),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => new YamlScalar(at, value.GetValue<bool>() ? "true" : "false", false),
        JsonValue value => new YamlScalar(at, value.ToJsonString(), false),
        _ => throw new ArgumentException($"unexpected JSON node {node.GetType().Name}", nameof(node)),
    };

    /// <summary>A text scalar, quoted only when plain it would read as a boolean, number or null.</summary>
    public static YamlScalar Text(string value, SourceLocation at)
    {
        var plain = new YamlScalar(at, value, false);
        return ScalarToJson(plain) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? plain : new YamlScalar(at, value, true);
    }

    /// <summary>A plain scalar when the text is a literal of the wanted kind ("Int64", "Double", "Boolean"), otherwise text.</summary>
    public static YamlScalar Typed(string value, string typeAlias, SourceLocation at)
    {
        var plain = new YamlScalar(at, value, false);
        var fits = typeAlias switch
        {
            "Int64" => plain.TryGetInteger(out _),
            "Double" => plain.TryGetNumber(out _),
            "Boolean" => plain.TryGetBoolean(out _),
            _ => false,
        };
        return fits ? plain : Text(value, at);
    }

    /// <summary>The number a JSON value holds, however it was built (parsed text or an in-memory int or double).</summary>
    public static bool TryGetNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses JSON text typed into the designer; a syntax error names where it is.</summary>
    public static JsonNode? ParseJsonText(string text, string what, SourceLocation at)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new PipelineValidationException(new Diagnostic(at, "PL-ELSA-JSON",
                $"{what} is not valid JSON (line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}): {e.Message}"));
        }
    }

    /// <summary>
    /// <paramref name="candidate"/>, except that parts meaning the same as in <paramref name="original"/> are taken
    /// from the original, with their comments and spelling.
    /// </summary>
    public static YamlNode PreferOriginal(YamlNode candidate, YamlNode? original)
    {
        if (original is null) return candidate;
        if (JsonNode.DeepEquals(ToJson(candidate), ToJson(original))) return original;
        switch (candidate, original)
        {
            case (YamlMapping c, YamlMapping o):
            {
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>(c.Entries.Count);
                foreach (var (key, value) in c.Entries)
                {
                    var originalKey = o.GetKey(key.Value);
                    entries.Add(new(originalKey ?? key, PreferOriginal(value, o.Get(key.Value))));
                }
                return Carry(new YamlMapping(c.Location, entries, o.IsFlow), o);
            }
            case (YamlSequence c, YamlSequence o):
            {
                var items = c.Items.Select((item, i) => PreferOriginal(item, i < o.Items.Count ? o.Items[i] : null)).ToList();
                return Carry(new YamlSequence(c.Location, items, o.IsFlow), o);
            }
            case (YamlScalar c, YamlScalar o):
                return Carry(new YamlScalar(c.Location, c.Value, c.IsQuoted), o);
            default:
                return candidate;
        }
    }

    private static T Carry<T>(T node, YamlNode original) where T : YamlNode
    {
        node.LeadingComments.AddRange(original.LeadingComments);
        node.TrailingComment = original.TrailingComment;
        return node;
    }
}
