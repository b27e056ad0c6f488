using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// Writes a pipeline file in its one canonical form, so that a diff between two versions shows only real
/// changes: a schema line first, root and step keys in a fixed order, other mappings in the author's order,
/// two-space block layout, short scalar lists in flow style, minimal quoting, literal blocks for multi-line
/// text, comments kept with the key or item they were written next to, and one blank line between steps.
/// Writing its own output again gives the same text.
/// </summary>
public static class CanonicalYamlWriter
{
    public const int MaxLineWidth = 100;
    public const string SchemaCommentPrefix = "yaml-language-server:";
    private const int IndentStep = 2;

    public static string Write(PipelineDefinition definition, string schemaPath) => Write(definition.Root, schemaPath);

    /// <param name="root">The file's root mapping, as loaded by <see cref="YamlFileLoader"/>.</param>
    /// <param name="schemaPath">Path of <c>pipeline.schema.json</c> relative to the file, for editors.</param>
    public static string Write(YamlMapping root, string schemaPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (string.IsNullOrWhiteSpace(schemaPath) || schemaPath.Contains('\n'))
            throw new ArgumentException("the schema path is a single non-empty line", nameof(schemaPath));
        var lines = new List<string> { $"# {SchemaCommentPrefix} $schema={schemaPath.Trim()}" };
        AddComments(lines, root.LeadingComments, 0);
        if (root.TrailingComment is not null) AddComments(lines, [root.TrailingComment], 0);
        foreach (var (key, value) in Ordered(root.Entries, PipelineParser.RootKeys))
            WriteEntry(lines, key, value, 0, stepList: key.Value == "steps");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The items of a <c>steps:</c> list in canonical form, unindented; for examples in documentation.</summary>
    internal static string WriteStepList(YamlSequence steps)
    {
        var lines = new List<string>();
        WriteSequenceItems(lines, steps, 0, stepList: true);
        return string.Join('\n', lines) + "\n";
    }

    private static IEnumerable<KeyValuePair<YamlScalar, YamlNode>> Ordered(List<KeyValuePair<YamlScalar, YamlNode>> entries, string[] order)
    {
        // Known keys in the documented order; anything else (the parser would report it) after them, as written.
        foreach (var key in order)
            foreach (var entry in entries)
                if (entry.Key.Value == key) yield return entry;
        foreach (var entry in entries)
            if (Array.IndexOf(order, entry.Key.Value) < 0) yield return entry;
    }

    private static void WriteEntry(List<string> lines, YamlScalar key, YamlNode value, int indent, bool stepList)
    {
        var pad = new string(' ', indent);
        var keyText = YamlScalarText.Inline(key, inFlow: false);
        var comments = new List<string>(key.LeadingComments);
        // A block list's or mapping's own comments were written under its key, above the first item.
        var inner = value.LeadingComments;
        if (value is YamlScalar || value is YamlSequence s && FlowText(s, pad.Length + keyText.Length + 2) is not null || value is YamlMapping { Entries.Count: 0 })
        {
            comments.AddRange(value.LeadingComments);
            inner = [];
        }
        var trailing = new List<string?> { key.TrailingComment };

        switch (value)
        {
            case YamlScalar scalar when IsLiteralBlock(scalar, allowIndentIndicator: true):
                // A comment after a block indicator would be read back above the next key; keep it above this one.
                comments.AddRange(LineComments(trailing, scalar.TrailingComment));
                AddComments(lines, comments, indent);
                WriteLiteralBlock(lines, pad + keyText + ": ", scalar.Value, indent + IndentStep);
                return;
            case YamlScalar scalar:
            {
                AddComments(lines, comments, indent);
                var text = YamlScalarText.Inline(scalar, inFlow: false);
                trailing.Add(scalar.TrailingComment);
                lines.Add(WithComment(pad + keyText + ":" + (text.Length > 0 ? " " + text : ""), trailing));
                return;
            }
            case YamlSequence sequence when FlowText(sequence, pad.Length + keyText.Length + 2) is { } flow:
                AddComments(lines, comments, indent);
                trailing.Add(sequence.TrailingComment);
                lines.Add(WithComment(pad + keyText + ": " + flow, trailing));
                return;
            case YamlSequence sequence:
                AddComments(lines, comments, indent);
                trailing.Add(sequence.TrailingComment);
                lines.Add(WithComment(pad + keyText + ":", trailing));
                AddComments(lines, inner, indent + IndentStep);
                WriteSequenceItems(lines, sequence, indent + IndentStep, stepList);
                return;
            case YamlMapping { Entries.Count: 0 } empty:
                AddComments(lines, comments, indent);
                trailing.Add(empty.TrailingComment);
                lines.Add(WithComment(pad + keyText + ": {}", trailing));
                return;
            case YamlMapping mapping:
                AddComments(lines, comments, indent);
                trailing.Add(mapping.TrailingComment);
                lines.Add(WithComment(pad + keyText + ":", trailing));
                AddComments(lines, inner, indent + IndentStep);
                foreach (var (k, v) in Ordered(mapping.Entries, []))
                    WriteEntry(lines, k, v, indent + IndentStep, stepList: false);
                return;
            default:
                throw new ArgumentException($"cannot write a {value.KindName} node", nameof(value));
        }
    }

    private static void WriteSequenceItems(List<string> lines, YamlSequence sequence, int indent, bool stepList)
    {
        var pad = new string(' ', indent);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            if (stepList && i > 0) lines.Add("");
            var item = sequence.Items[i];
            var comments = new List<string>(item.LeadingComments);
            switch (item)
            {
                case YamlScalar scalar when IsLiteralBlock(scalar, allowIndentIndicator: false):
                    comments.AddRange(LineComments([scalar.TrailingComment]));
                    AddComments(lines, comments, indent);
                    WriteLiteralBlock(lines, pad + "- ", scalar.Value, indent + IndentStep);
                    break;
                case YamlScalar scalar:
                {
                    AddComments(lines, comments, indent);
                    var text = YamlScalarText.Inline(scalar, inFlow: false);
                    lines.Add(WithComment(pad + "-" + (text.Length > 0 ? " " + text : ""), [scalar.TrailingComment]));
                    break;
                }
                case YamlSequence nested when FlowText(nested, indent + 2) is { } flow:
                    AddComments(lines, comments, indent);
                    lines.Add(WithComment(pad + "- " + flow, [nested.TrailingComment]));
                    break;
                case YamlSequence nested:
                    AddComments(lines, comments, indent);
                    lines.Add(WithComment(pad + "-", [nested.TrailingComment]));
                    WriteSequenceItems(lines, nested, indent + IndentStep, stepList: false);
                    break;
                case YamlMapping { Entries.Count: 0 } empty:
                    AddComments(lines, comments, indent);
                    lines.Add(WithComment(pad + "- {}", [empty.TrailingComment]));
                    break;
                case YamlMapping mapping:
                {
                    var entries = Ordered(mapping.Entries, stepList ? PipelineParser.StepKeys : []).ToList();
                    // Comments above the first key belong above the dash: that is where a reader sees them.
                    var (firstKey, firstValue) = entries[0];
                    comments.AddRange(firstKey.LeadingComments);
                    comments.AddRange(firstValue.LeadingComments);
                    comments.AddRange(LineComments([mapping.TrailingComment]));
                    AddComments(lines, comments, indent);
                    var start = lines.Count;
                    var childIndent = indent + IndentStep;
                    foreach (var (k, v) in entries)
                    {
                        if (ReferenceEquals(k, firstKey))
                            WriteEntry(lines, (YamlScalar)WithoutLeadingComments(k), WithoutLeadingComments(v), childIndent, stepList: false);
                        else WriteEntry(lines, k, v, childIndent, stepList: false);
                    }
                    lines[start] = pad + "- " + lines[start][childIndent..];
                    break;
                }
                default:
                    throw new ArgumentException($"cannot write a {item.KindName} node", nameof(sequence));
            }
        }
    }

    /// <summary>
    /// <c>[a, b]</c> when every item is a one-line scalar without comments and the line stays within
    /// <see cref="MaxLineWidth"/>; null when the list must be written one item per line.
    /// </summary>
    private static string? FlowText(YamlSequence sequence, int column)
    {
        if (sequence.Items.Count == 0) return "[]";
        var parts = new List<string>(sequence.Items.Count);
        foreach (var item in sequence.Items)
        {
            if (item is not YamlScalar scalar || scalar.LeadingComments.Count > 0 || scalar.TrailingComment is not null) return null;
            if (scalar.Value.Contains('\n') || scalar.Value.Length == 0 && !scalar.IsQuoted) return null;
            parts.Add(YamlScalarText.Inline(scalar, inFlow: true));
        }
        var text = "[" + string.Join(", ", parts) + "]";
        return column + text.Length <= MaxLineWidth ? text : null;
    }

    private static bool IsLiteralBlock(YamlScalar scalar, bool allowIndentIndicator) =>
        YamlScalarText.CanUseLiteralBlock(scalar.Value, allowIndentIndicator);

    private static void WriteLiteralBlock(List<string> lines, string header, string text, int contentIndent)
    {
        var chomp = text.EndsWith('\n') ? "" : "-";
        var indicator = YamlScalarText.NeedsIndentIndicator(text) ? IndentStep.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        lines.Add(header + "|" + indicator + chomp);
        var body = text.EndsWith('\n') ? text[..^1] : text;
        var pad = new string(' ', contentIndent);
        foreach (var line in body.Split('\n'))
            lines.Add(line.Length == 0 ? "" : pad + line);
    }

    private static IEnumerable<string> LineComments(IEnumerable<string?> trailing, string? extra = null)
    {
        foreach (var comment in trailing.Append(extra))
            if (comment is not null) yield return comment;
    }

    private static void AddComments(List<string> lines, IEnumerable<string> comments, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var comment in comments)
        {
            if (IsSchemaComment(comment)) continue;
            lines.Add(comment.Length == 0 ? pad + "#" : pad + "# " + comment);
        }
    }

    private static string WithComment(string line, IEnumerable<string?> trailing)
    {
        var comments = trailing.Where(c => c is not null && !IsSchemaComment(c)).ToList();
        return comments.Count == 0 ? line : line + " # " + string.Join(" # ", comments);
    }

    private static bool IsSchemaComment(string? comment) =>
        comment is not null && comment.TrimStart().StartsWith(SchemaCommentPrefix, StringComparison.Ordinal);

    private static YamlNode WithoutLeadingComments(YamlNode node)
    {
        if (node.LeadingComments.Count == 0) return node;
        YamlNode copy = node switch
        {
            YamlScalar s => new YamlScalar(s.Location, s.Value, s.IsQuoted),
            YamlSequence q => new YamlSequence(q.Location, q.Items, q.IsFlow),
            YamlMapping m => new YamlMapping(m.Location, m.Entries, m.IsFlow),
            _ => throw new ArgumentException($"cannot write a {node.KindName} node", nameof(node)),
        };
        copy.TrailingComment = node.TrailingComment;
        return copy;
    }
}
