using System.Globalization;
using System.Text;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Report;

/// <summary>The feature diagnostics as a report section: overall table and Spearman bars, then a table per group.</summary>
internal static class FeatureCorrelationHtml
{
    public const string All = "all";

    public static string Render(IReadOnlyList<FeatureCorrelation> rows, string? horizon)
    {
        var html = new StringBuilder();
        if (horizon is not null) html.Append("<p class=\"meta\">").Append(SvgCharts.Encode(horizon)).Append("</p>");
        var overall = rows.Where(r => r.Group == All).OrderByDescending(r => double.IsNaN(r.Spearman) ? -1 : Math.Abs(r.Spearman)).ToList();
        html.Append(Table(overall));
        html.Append(SvgCharts.Bars(overall.Where(r => !double.IsNaN(r.Spearman)).Select(r => (r.Feature + " (Spearman)", r.Spearman)).ToList()));
        foreach (var group in rows.Where(r => r.Group != All).GroupBy(r => r.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
            html.Append("<h3>").Append(SvgCharts.Encode(group.Key)).Append("</h3>").Append(Table(group.ToList()));
        return html.ToString();
    }

    public static IReadOnlyList<FeatureCorrelation> Read(string parquet)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        return connection.Rows($"SELECT feature, \"group\", rows, pearson, spearman FROM read_parquet({SqlText.Literal(parquet)})")
            .Select(r => new FeatureCorrelation((string)r[0]!, (string)r[1]!, (int)(long)r[2]!, r[3] is double p ? p : double.NaN, r[4] is double s ? s : double.NaN))
            .ToList();
    }

    private static string Table(IReadOnlyList<FeatureCorrelation> rows)
    {
        var html = new StringBuilder("<table><tr><th>feature</th><th>rows</th><th>Pearson</th><th>Spearman</th></tr>");
        foreach (var r in rows)
            html.Append("<tr><th>").Append(SvgCharts.Encode(r.Feature)).Append("</th><td>").Append(r.Rows.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(Number(r.Pearson)).Append("</td><td>").Append(Number(r.Spearman)).Append("</td></tr>");
        return html.Append("</table>").ToString();
    }

    private static string Number(double value) => double.IsNaN(value) ? "—" : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
