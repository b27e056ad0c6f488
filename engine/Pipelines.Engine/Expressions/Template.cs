using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Expressions;

/// <summary>
/// A string with <c>${{ expression }}</c> parts. A value that is exactly one expression keeps the expression's
/// type (an artifact, a boolean); anything else is text with the values spliced in.
/// A template read from a pipeline file is parsed once, when the file is parsed, and remembers the scalar it
/// came from, so validation, planning and every run share this one tree and locate its parts in the file.
/// </summary>
public sealed class Template
{
    private const string BareConditionOpening = "${{ ";

    private readonly IReadOnlyList<object> _parts; // string or Expression, in order
    private readonly int _sourceShift; // characters of Text that come before the source's own text

    private Template(string text, IReadOnlyList<object> parts, YamlScalar? source, int sourceShift)
    {
        Text = text;
        _parts = parts;
        Source = source;
        _sourceShift = sourceShift;
        References = parts.OfType<Expression>().SelectMany(ReferencesIn).ToList();
    }

    public string Text { get; }

    /// <summary>The scalar the template was written in; null for a template parsed from bare text.</summary>
    public YamlScalar? Source { get; }

    public bool IsSingleExpression => _parts is [Expression] ;

    public IEnumerable<Expression> Expressions => _parts.OfType<Expression>();

    public IReadOnlyList<object> Parts => _parts;

    /// <summary>Every reference the template makes, in reading order, found once at parse time.</summary>
    public IReadOnlyList<ReferenceExpression> References { get; }

    /// <summary>Where the character at <paramref name="offset"/> of <see cref="Text"/> is written in the file.</summary>
    public SourceLocation LocationOf(int offset) =>
        Source is null ? throw new InvalidOperationException("a template parsed from bare text has no location")
            : ExpressionLocation.At(Source, Math.Clamp(offset - _sourceShift, 0, Source.Value.Length));

    public static bool ContainsExpression(string text) => text.Contains("${{", StringComparison.Ordinal);

    /// <summary>Parses <paramref name="text"/>; returns null when it holds no expression.</summary>
    public static Template? Parse(string text) => Parse(text, source: null, sourceShift: 0);

    /// <summary>
    /// Parses the template written in <paramref name="source"/> (or <paramref name="text"/> standing for it);
    /// returns null when it holds no expression.
    /// </summary>
    public static Template? Parse(YamlScalar source, string? text = null) => Parse(text ?? source.Value, source, sourceShift: 0);

    /// <summary>
    /// Parses an <c>if:</c> condition. Like CI systems, a bare condition without <c>${{ }}</c> is read as one
    /// expression; offsets in its errors and locations still point into the text as written.
    /// </summary>
    public static Template ParseCondition(YamlScalar source)
    {
        if (ContainsExpression(source.Value)) return Parse(source)!;
        try
        {
            return Parse(BareConditionOpening + source.Value + " }}", source, BareConditionOpening.Length)!;
        }
        catch (ExpressionSyntaxException e)
        {
            throw new ExpressionSyntaxException(Math.Clamp(e.Offset - BareConditionOpening.Length, 0, source.Value.Length), e.Message);
        }
    }

    private static Template? Parse(string text, YamlScalar? source, int sourceShift)
    {
        if (!ContainsExpression(text)) return null;
        var parts = new List<object>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("${{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(text[position..]);
                break;
            }
            if (open > position) parts.Add(text[position..open]);
            var close = FindClose(text, open + 3, out var openString);
            if (close < 0 && openString >= 0) throw new ExpressionSyntaxException(openString, "unterminated string literal");
            if (close < 0) throw new ExpressionSyntaxException(open, "'${{' has no matching '}}'");
            parts.Add(ExpressionParser.Parse(text[(open + 3)..close], open + 3));
            position = close + 2;
        }
        // Whitespace around a lone expression (as YAML block scalars leave it) does not make it text.
        if (parts.Count is 2 or 3 && parts.OfType<Expression>().Count() == 1 && parts.OfType<string>().All(string.IsNullOrWhiteSpace))
            parts.RemoveAll(p => p is string);
        return new Template(text, parts, source, sourceShift);
    }

    /// <summary>Finds the '}}' closing an expression, skipping quoted literals; reports a literal left open.</summary>
    private static int FindClose(string text, int from, out int openString)
    {
        openString = -1;
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\'') openString = openString < 0 ? i : -1;
            else if (openString < 0 && i + 1 < text.Length && text[i] == '}' && text[i + 1] == '}') return i;
        }
        return -1;
    }

    private static IEnumerable<ReferenceExpression> ReferencesIn(Expression expression) => expression switch
    {
        ReferenceExpression r => [r],
        NotExpression n => ReferencesIn(n.Operand),
        BinaryExpression b => ReferencesIn(b.Left).Concat(ReferencesIn(b.Right)),
        _ => [],
    };
}
