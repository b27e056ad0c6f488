using System.Net;
using System.Text.RegularExpressions;

namespace Pipelines.Steps.Tests.Report;

/// <summary>Reads a run report the way a person scans it: a section under its heading, the tables' rows as cell texts, the chart legends.</summary>
internal static partial class ReportHtml
{
    /// <summary>The HTML from the heading that starts with <paramref name="heading"/> to the next heading of its level.</summary>
    public static string Section(string html, string heading)
    {
        var start = html.IndexOf("<h2>" + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"the report has no section '{heading}'");
        var end = html.IndexOf("<h2>", start + 4, StringComparison.Ordinal);
        return end < 0 ? html[start..] : html[start..end];
    }

    /// <summary>Every table row of the HTML as its cells' decoded text, tags removed.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(string html) =>
        RowPattern().Matches(html).Select(row => (IReadOnlyList<string>)CellPattern().Matches(row.Groups[1].Value)
            .Select(cell => WebUtility.HtmlDecode(TagPattern().Replace(cell.Groups[1].Value, ""))).ToList()).ToList();

    /// <summary>The decoded texts of the SVG text elements, where the line charts write their legends.</summary>
    public static IReadOnlyList<string> SvgTexts(string html) =>
        SvgTextPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    public static int Polylines(string html) => PolylinePattern().Count(html);

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex("<text[^>]*>([^<]*)</text>")]
    private static partial Regex SvgTextPattern();

    [GeneratedRegex("<polyline ")]
    private static partial Regex PolylinePattern();
}
