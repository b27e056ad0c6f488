using System.Globalization;
using System.Net;
using System.Text;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Explain;

/// <summary>A self-contained HTML page (inline SVG, no external assets) showing what drives a model's decisions.</summary>
public static class ShapReport
{
    public static string Html(ModelVersion version, IReadOnlyList<(string Feature, double Mean)> overall,
        IReadOnlyDictionary<string, IReadOnlyList<(string Feature, double Mean)>> byGroup, string? groupColumn, int rows)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode($"{version.Name} v{version.Version}: what drives its decisions"))
            .Append("</title><style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}")
            .Append("h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}.meta{color:#666}svg text{font-size:12px}</style></head><body>");
        html.Append("<h1>").Append(Encode($"{version.Name} version {version.Version} ({version.Stage})")).Append("</h1>");
        html.Append("<p class=\"meta\">").Append(Encode(string.Create(CultureInfo.InvariantCulture,
            $"Exact TreeSHAP over {rows:N0} decisions. Model {version.Model.ShortId}, registered by run {version.RunId}, trained on {version.TrainingDataSha256?[..12] ?? "unknown data"}."))).Append("</p>");
        html.Append("<h2>Mean |SHAP| per feature</h2>").Append(Report.SvgCharts.Bars(overall));
        foreach (var (group, values) in byGroup.OrderBy(g => g.Key, StringComparer.Ordinal))
            html.Append("<h2>").Append(Encode($"{groupColumn} = {group}")).Append("</h2>").Append(Report.SvgCharts.Bars(values.OrderByDescending(v => v.Mean).ToList()));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
