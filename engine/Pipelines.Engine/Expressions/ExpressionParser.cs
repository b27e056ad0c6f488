using System.Globalization;

namespace Pipelines.Engine.Expressions;

/// <summary>Recursive-descent parser for the expression language; precedence: ! then comparisons, ==/!=, &amp;&amp;, ||.</summary>
public sealed class ExpressionParser
{
    private readonly string _text;
    private readonly int _baseOffset;
    private int _position;

    private ExpressionParser(string text, int baseOffset)
    {
        _text = text;
        _baseOffset = baseOffset;
    }

    /// <summary>Parses the text between <c>${{</c> and <c>}}</c>; offsets in errors include <paramref name="baseOffset"/>.</summary>
    public static Expression Parse(string text, int baseOffset = 0)
    {
        var parser = new ExpressionParser(text, baseOffset);
        parser.SkipSpace();
        if (parser.AtEnd) throw new ExpressionSyntaxException(baseOffset, "empty expression");
        var expression = parser.ParseOr();
        parser.SkipSpace();
        if (!parser.AtEnd) throw parser.Error($"unexpected '{text[parser._position..]}'");
        return expression;
    }

    private bool AtEnd => _position >= _text.Length;
    private int Offset => _baseOffset + _position;

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (TryConsume("||", out var at)) left = new BinaryExpression(at, "||", left, ParseAnd());
        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseEquality();
        while (TryConsume("&&", out var at)) left = new BinaryExpression(at, "&&", left, ParseEquality());
        return left;
    }

    private Expression ParseEquality()
    {
        var left = ParseComparison();
        while (true)
        {
            if (TryConsume("==", out var at)) left = new BinaryExpression(at, "==", left, ParseComparison());
            else if (TryConsume("!=", out at)) left = new BinaryExpression(at, "!=", left, ParseComparison());
            else return left;
        }
    }

    private Expression ParseComparison()
    {
        var left = ParseUnary();
        while (true)
        {
            string? op = null;
            var at = 0;
            foreach (var candidate in new[] { "<=", ">=", "<", ">" })
                if (TryConsume(candidate, out at)) { op = candidate; break; }
            if (op is null) return left;
            left = new BinaryExpression(at, op, left, ParseUnary());
        }
    }

    private Expression ParseUnary()
    {
        SkipSpace();
        if (Peek() == '!' && PeekAt(1) != '=')
        {
            var at = Offset;
            _position++;
            return new NotExpression(at, ParseUnary());
        }
        return ParsePrimary();
    }

    private Expression ParsePrimary()
    {
        SkipSpace();
        if (AtEnd) throw Error("expression ends too early");
        var start = Offset;
        var c = Peek();
        if (c == '(')
        {
            _position++;
            var inner = ParseOr();
            SkipSpace();
            if (Peek() != ')') throw Error("missing ')'");
            _position++;
            return inner;
        }
        if (c == '\'') return new LiteralExpression(start, ReadString());
        if (char.IsDigit(c) || (c == '-' && char.IsDigit(PeekAt(1)))) return new LiteralExpression(start, ReadNumber());
        if (char.IsLetter(c) || c == '_')
        {
            var path = new List<string> { ReadIdentifier() };
            while (Peek() == '.')
            {
                _position++;
                if (AtEnd || !(char.IsLetter(Peek()) || Peek() == '_')) throw Error("expected a name after '.'");
                path.Add(ReadIdentifier());
            }
            if (path.Count == 1)
            {
                switch (path[0])
                {
                    case "true": return new LiteralExpression(start, true);
                    case "false": return new LiteralExpression(start, false);
                    case "null": return new LiteralExpression(start, null);
                }
            }
            SkipSpace();
            if (Peek() == '(') throw Error($"function calls are not part of the expression language ('{path[^1]}(')");
            return new ReferenceExpression(start, path);
        }
        throw Error($"unexpected '{c}'");
    }

    private string ReadIdentifier()
    {
        var start = _position;
        while (!AtEnd && (char.IsLetterOrDigit(Peek()) || Peek() is '_' or '-')) _position++;
        return _text[start.._position];
    }

    private string ReadString()
    {
        var start = Offset;
        _position++;
        var builder = new System.Text.StringBuilder();
        while (true)
        {
            if (AtEnd) throw new ExpressionSyntaxException(start, "unterminated string literal");
            var c = _text[_position++];
            if (c == '\'')
            {
                // Two quotes inside a literal stand for one, as in YAML's single-quoted style.
                if (Peek() == '\'') { builder.Append('\''); _position++; continue; }
                return builder.ToString();
            }
            builder.Append(c);
        }
    }

    private object ReadNumber()
    {
        var start = _position;
        if (Peek() == '-') _position++;
        while (!AtEnd && (char.IsDigit(Peek()) || Peek() is '.' or 'e' or 'E' or '+' || (Peek() == '-' && _text[_position - 1] is 'e' or 'E'))) _position++;
        var text = _text[start.._position];
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return integer;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return number;
        throw new ExpressionSyntaxException(_baseOffset + start, $"'{text}' is not a number");
    }

    private bool TryConsume(string token, out int at)
    {
        SkipSpace();
        at = Offset;
        if (string.CompareOrdinal(_text, _position, token, 0, token.Length) != 0) return false;
        _position += token.Length;
        return true;
    }

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_position])) _position++;
    }

    private char Peek() => AtEnd ? '\0' : _text[_position];
    private char PeekAt(int ahead) => _position + ahead < _text.Length ? _text[_position + ahead] : '\0';
    private ExpressionSyntaxException Error(string message) => new(Offset, message);
}
