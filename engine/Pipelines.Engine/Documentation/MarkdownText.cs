namespace Pipelines.Engine.Documentation;

/// <summary>Escaping for the Markdown the engine generates (GitHub-flavoured, as pull requests and docs render it).</summary>
internal static class MarkdownText
{
    /// <summary>Inline code that survives backticks in the text, as CommonMark allows: a longer fence and padding.</summary>
    public static string Code(string text)
    {
        var longest = LongestBacktickRun(text);
        if (longest == 0) return "`" + text + "`";
        var fence = new string('`', longest + 1);
        return fence + " " + text + " " + fence;
    }

    /// <summary>A code fence longer than any backtick run in the lines it encloses.</summary>
    public static string Fence(IEnumerable<string> lines) => new('`', Math.Max(3, lines.Select(LongestBacktickRun).DefaultIfEmpty(0).Max() + 1));

    /// <summary>Prose that must not be read as HTML: <c>list&lt;string&gt;</c> would otherwise vanish as a tag.</summary>
    public static string Text(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;");

    /// <summary>Text for a table cell: on one line, with the column separator escaped.</summary>
    public static string Cell(string text) => text.Replace("\r", "").Replace("\n", " ").Replace("|", "\\|");

    private static int LongestBacktickRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }
}
