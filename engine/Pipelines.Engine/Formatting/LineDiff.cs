namespace Pipelines.Engine.Formatting;

/// <summary>
/// A line diff by longest common subsequence, in unified style: every line of both texts once, prefixed
/// with ' ' (kept), '-' (only in the old text) or '+' (only in the new text).
/// </summary>
internal static class LineDiff
{
    /// <summary>Beyond this many line pairs the table would be large; such texts are shown as all-removed, all-added.</summary>
    private const long MaxCells = 4_000_000;

    public static IReadOnlyList<string> Unified(string oldText, string newText)
    {
        var a = Lines(oldText);
        var b = Lines(newText);
        var result = new List<string>(a.Length + b.Length);
        if ((long)a.Length * b.Length > MaxCells)
        {
            result.AddRange(a.Select(l => "-" + l));
            result.AddRange(b.Select(l => "+" + l));
            return result;
        }
        // common[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y]) { result.Add(" " + a[x]); x++; y++; }
            else if (common[x + 1, y] >= common[x, y + 1]) result.Add("-" + a[x++]);
            else result.Add("+" + b[y++]);
        }
        while (x < a.Length) result.Add("-" + a[x++]);
        while (y < b.Length) result.Add("+" + b[y++]);
        return result;
    }

    private static string[] Lines(string text)
    {
        if (text.EndsWith('\n')) text = text[..^1];
        return text.Length == 0 ? [] : text.Split('\n');
    }
}
