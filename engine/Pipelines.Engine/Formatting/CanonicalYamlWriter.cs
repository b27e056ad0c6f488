using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

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

    /// <summary>
    /// Formats a pipeline file's text: what <c>pipelines fmt</c> writes back. Unlike <see cref="Write(YamlMapping, string)"/>
    /// it also keeps the comments after the last value, which belong to no node of the tree.
    /// </summary>
    public static string Format(string fileName, string text, string schemaPath)
    {
        if (YamlFileLoader.LoadText(fileName, text) is not YamlMapping root)
            throw new PipelineValidationException(new Diagnostic(new SourceLocation(fileName, 1, 1), DiagnosticCodes.WrongType,
                "a pipeline file is a mapping with 'name' and 'steps'"));
        var formatted = Write(root, schemaPath);
        var closing = ClosingComments(text);
        return closing.Count == 0 ? formatted : formatted + string.Join("", closing.Select(c => c.Length == 0 ? "#\n" : "# " + c + "\n"));
    }

    public static string Write(PipelineDefinition definition, string schemaPath) => Write(definition.Root, schemaPath);

    /// <param name="root">The file's root mapping, as loaded by <see cref="YamlFileLoader"/>.</param>
    /// <param name="schemaPath">Path of <c>pipeline.schema.json</c> relative to the file, for editors.</param>
    public static string Write(YamlMapping root, string schemaPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (string.IsNullOrWhiteSpace(schemaPath) || schemaPath.Contains('\n'))
            throw new ArgumentException("the schema path is a single non-empty line", nameof(schemaPath));
        var lines = new Output { $"# {SchemaCommentPrefix} $schema={schemaPath.Trim()}" };
        AddComments(lines, root.LeadingComments, 0);
        if (root.TrailingComment is not null) AddComments(lines, [root.TrailingComment], 0);
        foreach (var (key, value) in Ordered(root.Entries, PipelineParser.RootKeys))
            WriteEntry(lines, key, value, 0, stepList: key.Value == "steps", path: key.Value);
        AddComments(lines, [], 0);
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The schema path to write into <paramref name="pipelineFile"/>: relative to its directory, with '/' separators.</summary>
    public static string RelativeSchemaPath(string pipelineFile, string schemaFile)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(pipelineFile))
            ?? throw new ArgumentException($"'{pipelineFile}' has no directory", nameof(pipelineFile));
        return Path.GetRelativePath(directory, Path.GetFullPath(schemaFile)).Replace('\\', '/');
    }

    /// <summary>
    /// Whole-line comments after the last value of the document. The loader attaches a comment to the node that
    /// follows it, and none follows these; only after an empty value (which YAML reports late) do they land in the tree.
    /// </summary>
    private static List<string> ClosingComments(string text)
    {
        var closing = new List<string>();
        var lastContentIsEmptyNode = false;
        var scanner = new Scanner(new StringReader(text), skipComments: false);
        while (scanner.MoveNext())
        {
            switch (scanner.Current)
            {
                case Comment { IsInline: false } comment:
                    closing.Add(comment.Value.Trim());
                    break;
                case Comment or BlockEnd or DocumentEnd or StreamEnd:
                    break;
                case var token:
                    closing.Clear();
                    lastContentIsEmptyNode = token is Value or BlockEntry;
                    break;
            }
        }
        if (lastContentIsEmptyNode) closing.Clear();
        closing.RemoveAll(IsSchemaComment);
        return closing;
    }

    /// <summary>The items of a <c>steps:</c> list in canonical form, unindented; for examples in documentation.</summary>
    internal static string WriteStepList(YamlSequence steps)
    {
        var lines = new Output();
        WriteSequenceItems(lines, steps, 0, stepList: true);
        AddComments(lines, [], 0);
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

    /// <param name="path">Where the entry sits, as keys joined by '/' with '-' for a list item, e.g. <c>on/schedule/-</c>; it picks the key order.</param>
    private static void WriteEntry(Output lines, YamlScalar key, YamlNode value, int indent, bool stepList, string path = "")
    {
        var pad = new string(' ', indent);
        // An empty plain key (YAML's null key) has no one-line spelling; '~' is the same null.
        var keyText = key is { IsQuoted: false, Value: "" } ? "~" : YamlScalarText.Inline(key, inFlow: false);
        var comments = new List<string>(key.LeadingComments);
        // A block list's or mapping's own comments were written under its key, above the first item.
        var inner = value.LeadingComments;
        if (IsWrittenOnKeyLine(value, pad.Length + keyText.Length + 2))
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
            case YamlScalar { IsQuoted: false, Value: "" } empty:
                // YAML reports an empty value only when it meets the next token, so the comments it carries
                // were written after it, above whatever follows; they are put back there.
                AddComments(lines, key.LeadingComments, indent);
                lines.Deferred.AddRange(empty.LeadingComments);
                trailing.Add(empty.TrailingComment);
                lines.Add(WithComment(pad + keyText + ":", trailing));
                return;
            case YamlScalar scalar:
            {
                AddComments(lines, comments, indent);
                var text = YamlScalarText.Inline(scalar, inFlow: false);
                trailing.Add(scalar.TrailingComment);
                lines.Add(WithComment(pad + keyText + ": " + text, trailing));
                return;
            }
            case YamlSequence sequence when IsWrittenOnKeyLine(sequence, pad.Length + keyText.Length + 2):
            {
                var flow = FlowText(sequence, pad.Length + keyText.Length + 2)!;
                AddComments(lines, comments, indent);
                trailing.Add(sequence.TrailingComment);
                lines.Add(WithComment(pad + keyText + ": " + flow, trailing));
                return;
            }
            case YamlSequence sequence:
                AddComments(lines, comments, indent);
                trailing.Add(sequence.TrailingComment);
                lines.Add(WithComment(pad + keyText + ":", trailing));
                AddComments(lines, inner, indent + IndentStep);
                WriteSequenceItems(lines, sequence, indent + IndentStep, stepList, path);
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
                foreach (var (k, v) in Ordered(mapping.Entries, CanonicalKeyOrder.For(path)))
                    WriteEntry(lines, k, v, indent + IndentStep, stepList: false, path + "/" + k.Value);
                return;
            default:
                throw new ArgumentException($"cannot write a {value.KindName} node", nameof(value));
        }
    }

    private static void WriteSequenceItems(Output lines, YamlSequence sequence, int indent, bool stepList, string path = "")
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
                case YamlScalar { IsQuoted: false, Value: "" } empty:
                    AddComments(lines, [], indent);
                    // A comment after a bare dash would be read as the previous line's; it goes below instead.
                    lines.Deferred.AddRange(empty.LeadingComments.Concat(LineComments([empty.TrailingComment])));
                    lines.Add(pad + "-");
                    break;
                case YamlScalar scalar:
                    AddComments(lines, comments, indent);
                    lines.Add(WithComment(pad + "- " + YamlScalarText.Inline(scalar, inFlow: false), [scalar.TrailingComment]));
                    break;
                case YamlSequence nested when FlowText(nested, indent + 2) is { } flow:
                    AddComments(lines, comments, indent);
                    lines.Add(WithComment(pad + "- " + flow, [nested.TrailingComment]));
                    break;
                case YamlSequence nested:
                    AddComments(lines, comments, indent);
                    lines.Add(WithComment(pad + "-", [nested.TrailingComment]));
                    WriteSequenceItems(lines, nested, indent + IndentStep, stepList: false, path + "/-");
                    break;
                case YamlMapping { Entries.Count: 0 } empty:
                    AddComments(lines, comments, indent);
                    lines.Add(WithComment(pad + "- {}", [empty.TrailingComment]));
                    break;
                case YamlMapping mapping:
                {
                    comments.AddRange(LineComments([mapping.TrailingComment]));
                    AddComments(lines, comments, indent);
                    var start = lines.Count;
                    var childIndent = indent + IndentStep;
                    foreach (var (k, v) in Ordered(mapping.Entries, stepList ? PipelineParser.StepKeys : CanonicalKeyOrder.For(path + "/-")))
                        WriteEntry(lines, k, v, childIndent, stepList: false, path + "/-/" + k.Value);
                    // Comments written above the first key belong above the dash, which shares the key's line.
                    var commentPrefix = new string(' ', childIndent) + "#";
                    var first = start;
                    for (; lines[first].StartsWith(commentPrefix, StringComparison.Ordinal); first++)
                        lines[first] = pad + lines[first][childIndent..];
                    lines[first] = pad + "- " + lines[first][childIndent..];
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

    /// <summary>
    /// Whether a mapping value is written on its key's line (a scalar, a flow list, an empty mapping); if so its
    /// own comments go above the key, otherwise under it, above the first item, where they are read back from.
    /// A list that carries comments of its own was written under its key, and stays there.
    /// </summary>
    private static bool IsWrittenOnKeyLine(YamlNode value, int column) =>
        value is YamlScalar or YamlMapping { Entries.Count: 0 }
        || value is YamlSequence sequence && (sequence.Items.Count == 0 || sequence.LeadingComments.Count == 0 && FlowText(sequence, column) is not null);

    private static bool IsLiteralBlock(YamlScalar scalar, bool allowIndentIndicator) =>
        YamlScalarText.CanUseLiteralBlock(scalar.Value, allowIndentIndicator);

    private static void WriteLiteralBlock(Output lines, string header, string text, int contentIndent)
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

    private static void AddComments(Output lines, IEnumerable<string> comments, int indent)
    {
        var pad = new string(' ', indent);
        var pending = lines.Deferred.ToList();
        lines.Deferred.Clear();
        foreach (var comment in pending.Concat(comments))
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

    /// <summary>Lines written so far, and comments waiting to be written above the next line.</summary>
    private sealed class Output : List<string>
    {
        public List<string> Deferred { get; } = [];
    }
}
