using System.Text;
using Pipelines.Engine.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Pipelines.Engine.Yaml;

/// <summary>
/// Reads one YAML document into <see cref="YamlNode"/>s with source locations, refusing what a reviewed
/// configuration file should never contain: oversized or non-UTF-8 files, duplicate keys, and anchors whose
/// expansion would blow up (the "billion laughs").
/// </summary>
public static class YamlFileLoader
{
    public const int DefaultMaxBytes = 1 << 20;

    /// <summary>Upper bound on nodes created by expanding aliases; generous for real reuse, fatal for bombs.</summary>
    public const int MaxAliasExpansionNodes = 10_000;

    public static YamlNode LoadFile(string path, int maxBytes = DefaultMaxBytes) => LoadText(path, ReadFileText(path, maxBytes));

    /// <summary>Reads a configuration file's text, refusing missing, oversized and non-UTF-8 files.</summary>
    public static string ReadFileText(string path, int maxBytes = DefaultMaxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new PipelineValidationException(new Diagnostic(new SourceLocation(path, 0, 0), DiagnosticCodes.PathNotFound, "file not found"));
        if (info.Length > maxBytes)
            throw new PipelineValidationException(new Diagnostic(new SourceLocation(path, 1, 1), DiagnosticCodes.FileTooLarge,
                $"file is {info.Length:N0} bytes, over the limit of {maxBytes:N0} bytes"));
        return DecodeStrictUtf8(path, File.ReadAllBytes(path));
    }

    public static YamlNode LoadBytes(string fileName, byte[] bytes) => LoadText(fileName, DecodeStrictUtf8(fileName, bytes));

    public static YamlNode LoadText(string fileName, string text)
    {
        if (string.IsNullOrWhiteSpace(StripComments(text)))
            throw new PipelineValidationException(new Diagnostic(new SourceLocation(fileName, 1, 1), DiagnosticCodes.EmptyFile,
                "file is empty: expected a YAML mapping"));
        try
        {
            var builder = new TreeBuilder(fileName, new Parser(new Scanner(new StringReader(text), skipComments: false)));
            return builder.ReadDocument();
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0) message = message[(cut + 3)..];
            throw new PipelineValidationException(new Diagnostic(
                new SourceLocation(fileName, (int)e.Start.Line, (int)e.Start.Column), DiagnosticCodes.YamlSyntax, message));
        }
    }

    private static string DecodeStrictUtf8(string fileName, byte[] bytes)
    {
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            // Point at the first bad byte: count lines and columns of the valid prefix.
            var offset = start + Math.Max(0, e.Index);
            var prefix = Encoding.UTF8.GetString(bytes, start, Math.Max(0, offset - start));
            var line = 1 + prefix.Count(c => c == '\n');
            var column = prefix.Length - (prefix.LastIndexOf('\n') + 1) + 1;
            throw new PipelineValidationException(new Diagnostic(new SourceLocation(fileName, line, column), DiagnosticCodes.NotUtf8,
                $"file is not valid UTF-8 (byte 0x{bytes[offset]:X2} at offset {offset})"));
        }
    }

    private static string StripComments(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.TrimStart().StartsWith('#') ? "" : l));

    private sealed class TreeBuilder(string fileName, IParser parser)
    {
        private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
        private readonly List<string> _pendingComments = [];
        private YamlNode? _lastCompleted;
        private int _aliasNodes;

        public YamlNode ReadDocument()
        {
            Expect<StreamStart>();
            SkipComments();
            if (parser.Current is StreamEnd)
                throw Error(parser.Current.Start, DiagnosticCodes.EmptyFile, "file is empty: expected a YAML mapping");
            Expect<DocumentStart>();
            var root = ReadNode();
            SkipComments();
            if (parser.Current is not DocumentEnd)
                throw Error(parser.Current!.Start, DiagnosticCodes.YamlSyntax, "unexpected content after the document");
            parser.MoveNext();
            SkipComments();
            if (parser.Current is DocumentStart)
                throw Error(parser.Current.Start, DiagnosticCodes.YamlSyntax, "a pipeline file holds exactly one YAML document");
            return root;
        }

        private void Expect<T>() where T : ParsingEvent
        {
            if (parser.Current is null) parser.MoveNext();
            SkipComments();
            if (parser.Current is not T)
                throw Error(parser.Current!.Start, DiagnosticCodes.YamlSyntax, $"unexpected {parser.Current.GetType().Name}");
            parser.MoveNext();
        }

        private void SkipComments()
        {
            if (parser.Current is null) parser.MoveNext();
            while (parser.Current is Comment comment)
            {
                RecordComment(comment);
                parser.MoveNext();
            }
        }

        private void RecordComment(Comment comment)
        {
            if (comment.IsInline && _lastCompleted is not null && _lastCompleted.TrailingComment is null)
                _lastCompleted.TrailingComment = comment.Value.Trim();
            else
                _pendingComments.Add(comment.Value.TrimEnd());
        }

        private T Attach<T>(T node) where T : YamlNode
        {
            node.LeadingComments.AddRange(_pendingComments);
            _pendingComments.Clear();
            return node;
        }

        private YamlNode ReadNode()
        {
            SkipComments();
            var evt = parser.Current!;
            parser.MoveNext();
            switch (evt)
            {
                case Scalar scalar:
                {
                    var node = Attach(new YamlScalar(Loc(scalar.Start), scalar.Value,
                        scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded));
                    Remember(scalar.Anchor, node);
                    _lastCompleted = node;
                    return node;
                }
                case SequenceStart start:
                {
                    var node = Attach(new YamlSequence(Loc(start.Start), [], start.Style == SequenceStyle.Flow));
                    while (true)
                    {
                        SkipComments();
                        if (parser.Current is SequenceEnd) { parser.MoveNext(); break; }
                        node.Items.Add(ReadNode());
                    }
                    Remember(start.Anchor, node);
                    _lastCompleted = node;
                    return node;
                }
                case MappingStart start:
                {
                    var node = Attach(new YamlMapping(Loc(start.Start), [], start.Style == MappingStyle.Flow));
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (true)
                    {
                        SkipComments();
                        if (parser.Current is MappingEnd) { parser.MoveNext(); break; }
                        var key = ReadNode();
                        if (key is not YamlScalar keyScalar)
                            throw Error(key.Location, DiagnosticCodes.WrongType, $"mapping keys must be plain text, found a {key.KindName}");
                        if (!seen.Add(keyScalar.Value))
                            throw new PipelineValidationException(new Diagnostic(keyScalar.Location, DiagnosticCodes.DuplicateKey,
                                $"duplicate key '{keyScalar.Value}'", keyScalar.Value));
                        var value = ReadNode();
                        node.Entries.Add(new(keyScalar, value));
                    }
                    Remember(start.Anchor, node);
                    _lastCompleted = node;
                    return node;
                }
                case AnchorAlias alias:
                {
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                        throw Error(alias.Start, DiagnosticCodes.YamlSyntax, $"unknown alias '*{alias.Value.Value}'");
                    var copy = Attach(Copy(target, Loc(alias.Start)));
                    _lastCompleted = copy;
                    return copy;
                }
                default:
                    throw Error(evt.Start, DiagnosticCodes.YamlSyntax, $"unexpected {evt.GetType().Name}");
            }
        }

        // Aliases are expanded into copies so later stages see a plain tree; the budget stops exponential
        // blow-up long before memory is at risk.
        private YamlNode Copy(YamlNode node, SourceLocation at)
        {
            if (++_aliasNodes > MaxAliasExpansionNodes)
                throw new PipelineValidationException(new Diagnostic(at, DiagnosticCodes.AliasBomb,
                    $"alias expansion exceeds {MaxAliasExpansionNodes:N0} nodes; refusing a possible alias bomb"));
            return node switch
            {
                YamlScalar s => new YamlScalar(s.Location, s.Value, s.IsQuoted),
                YamlSequence q => new YamlSequence(q.Location, q.Items.Select(i => Copy(i, at)).ToList(), q.IsFlow),
                YamlMapping m => new YamlMapping(m.Location,
                    m.Entries.Select(e => new KeyValuePair<YamlScalar, YamlNode>((YamlScalar)Copy(e.Key, at), Copy(e.Value, at))).ToList(), m.IsFlow),
                _ => throw new InvalidOperationException(node.GetType().Name),
            };
        }

        private void Remember(AnchorName anchor, YamlNode node)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = node;
        }

        private SourceLocation Loc(Mark mark) => new(fileName, (int)mark.Line, (int)mark.Column);

        private PipelineValidationException Error(Mark mark, string code, string message) => Error(Loc(mark), code, message);

        private static PipelineValidationException Error(SourceLocation at, string code, string message) =>
            new(new Diagnostic(at, code, message));
    }
}
