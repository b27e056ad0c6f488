namespace Pipelines.Engine.Expressions;

/// <summary>
/// A string with <c>${{ expression }}</c> parts. A value that is exactly one expression keeps the expression's
/// type (an artifact, a boolean); anything else is text with the values spliced in.
/// </summary>
public sealed class Template
{
    private readonly IReadOnlyList<object> _parts; // string or Expression, in order

    private Template(string text, IReadOnlyList<object> parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    public bool IsSingleExpression => _parts is [Expression] ;

    public IEnumerable<Expression> Expressions => _parts.OfType<Expression>();

    public IReadOnlyList<object> Parts => _parts;

    public static bool ContainsExpression(string text) => text.Contains("${{", StringComparison.Ordinal);

    /// <summary>Parses <paramref name="text"/>; returns null when it holds no expression.</summary>
    public static Template? Parse(string text)
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
        return new Template(text, parts);
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
}
