using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// Decides how one scalar is written: plain when YAML reads it back as the same value of the same type,
/// otherwise single quotes, and double quotes only when the text holds a single quote or a character that
/// only double quotes can escape. Multi-line text goes in a literal block (see <see cref="CanUseLiteralBlock"/>).
/// </summary>
public static partial class YamlScalarText
{
    // Numbers as YAML 1.2 core and YAML 1.1 readers (PyYAML, older tools) see them, including 1.1's
    // base-60 integers ("1:30") and underscores, so quoted text that looks numeric to any reader stays quoted.
    [GeneratedRegex(@"^[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9][0-9_]*([eE][-+]?[0-9]+)?|\.(inf|Inf|INF))$")]
    private static partial Regex NumberLike();

    private static readonly HashSet<string> OtherTypeWords = new(StringComparer.Ordinal)
    {
        "~", "null", "Null", "NULL",
        "true", "True", "TRUE", "false", "False", "FALSE",
        // YAML 1.1 booleans: the engine reads them as text, but editors and other readers of the file may not.
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        ".nan", ".NaN", ".NAN", "<<", "=",
    };

    /// <summary>
    /// The one-line form of <paramref name="scalar"/>: plain, single- or double-quoted.
    /// <paramref name="inFlow"/> is true inside <c>[...]</c>, where commas and brackets end a plain scalar.
    /// </summary>
    public static string Inline(YamlScalar scalar, bool inFlow)
    {
        if (!scalar.IsQuoted)
        {
            // A plain scalar from the source already reads as its own type; quoting it is only ever needed
            // for syntax (a comma moving into a flow list), and a value that resolves to a non-string type
            // never contains such characters.
            return IsPlainSafe(scalar.Value, inFlow) || scalar.Value.Length == 0 ? scalar.Value : Quoted(scalar.Value);
        }
        return IsPlainSafe(scalar.Value, inFlow) && !ReadsAsOtherType(scalar.Value) ? scalar.Value : Quoted(scalar.Value);
    }

    /// <summary>Whether plain text would be read as null, a boolean or a number by a YAML 1.1 or 1.2 reader.</summary>
    public static bool ReadsAsOtherType(string text) =>
        text.Length == 0 || OtherTypeWords.Contains(text) || NumberLike().IsMatch(text);

    /// <summary>Whether <paramref name="text"/> can be written plain and parsed back to exactly the same characters.</summary>
    public static bool IsPlainSafe(string text, bool inFlow)
    {
        if (text.Length == 0) return false;
        if (IsSpace(text[0]) || IsSpace(text[^1])) return false;
        var first = text[0];
        if ("[]{},#&*!|>'\"%@`".Contains(first)) return false;
        if (first is '-' or '?' or ':' && (text.Length == 1 || IsSpace(text[1]) || inFlow && ",[]{}".Contains(text[1]))) return false;
        if (text.StartsWith("---", StringComparison.Ordinal) || text.StartsWith("...", StringComparison.Ordinal)) return false;
        if (text[^1] == ':') return false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (NeedsEscape(c) || c is '\t' or '\n' or '\r') return false;
            if (c == ':' && i + 1 < text.Length && (IsSpace(text[i + 1]) || inFlow && ",[]{}".Contains(text[i + 1]))) return false;
            if (c == '#' && IsSpace(text[i - 1])) return false;
            if (inFlow && ",[]{}".Contains(c)) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether multi-line text can be written as a literal block (<c>|</c> or <c>|-</c>) without changing it
    /// and without leaving trailing whitespace in the file. Text that cannot falls back to double quotes.
    /// </summary>
    public static bool CanUseLiteralBlock(string text, bool allowIndentIndicator)
    {
        if (!text.Contains('\n')) return false;
        var body = text.EndsWith('\n') ? text[..^1] : text;
        // Two or more final newlines would need "keep" chomping, whose trailing blank lines would swallow
        // the blank line the layout puts after a step.
        if (body.Length == 0 || body.EndsWith('\n')) return false;
        foreach (var c in text)
            if (NeedsEscape(c) || c == '\r') return false;
        var lines = body.Split('\n');
        foreach (var line in lines)
            if (line.Length > 0 && IsSpace(line[^1])) return false;
        return allowIndentIndicator || !NeedsIndentIndicator(text);
    }

    /// <summary>True when the first non-empty line starts with a space, so the block must state its indentation.</summary>
    public static bool NeedsIndentIndicator(string text)
    {
        foreach (var line in text.Split('\n'))
            if (line.Length > 0) return IsSpace(line[0]);
        return false;
    }

    /// <summary>Single quotes unless the text needs double quotes' escapes.</summary>
    public static string Quoted(string text)
    {
        var needsDouble = text.Contains('\'');
        foreach (var c in text)
            if (NeedsEscape(c) || c is '\n' or '\r' or '\t') needsDouble = true;
        return needsDouble ? DoubleQuoted(text) : "'" + text + "'";
    }

    public static string DoubleQuoted(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\0': builder.Append("\\0"); break;
                case '\a': builder.Append("\\a"); break;
                case '\b': builder.Append("\\b"); break;
                case '\t': builder.Append("\\t"); break;
                case '\n': builder.Append("\\n"); break;
                case '\v': builder.Append("\\v"); break;
                case '\f': builder.Append("\\f"); break;
                case '\r': builder.Append("\\r"); break;
                case '\u001B': builder.Append("\\e"); break;
                default:
                    if (NeedsEscape(c))
                        builder.Append(c <= '\u00FF' ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    private static bool IsSpace(char c) => c is ' ' or '\t';

    // Characters YAML does not allow raw in a document, or that readers treat as line breaks or byte-order marks.
    private static bool NeedsEscape(char c) =>
        c < ' ' && c != '\t' && c != '\n' || c is >= '\u007F' and <= '\u009F' || c is '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF';
}
