using System.Globalization;
using System.Net;
using System.Text;

namespace Pipelines.Steps.Report;

/// <summary>Small inline SVG charts for reports: lines, scatter and horizontal bars, with no external assets.</summary>
public static class SvgCharts
{
    private const int Width = 560, Height = 300, Pad = 44;

    /// <summary>One or more polylines over a shared axis box, each (name, colour, points).</summary>
    public static string Lines(IReadOnlyList<(string Name, string Colour, IReadOnlyList<(double X, double Y)> Points)> series, string xLabel, string yLabel,
        (double Min, double Max)? xRange = null, (double Min, double Max)? yRange = null)
    {
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (all.Count == 0) return "<p>(no data)</p>";
        var (x0, x1) = xRange ?? (all.Min(p => p.X), all.Max(p => p.X));
        var (y0, y1) = yRange ?? (all.Min(p => p.Y), all.Max(p => p.Y));
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 <= y0) y1 = y0 + 1;
        var svg = Open();
        Axes(svg, x0, x1, y0, y1, xLabel, yLabel);
        var legendY = Pad;
        foreach (var (name, colour, points) in series)
        {
            var path = string.Join(" ", points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
                .Select(p => F($"{Sx(p.X, x0, x1):0.#},{Sy(p.Y, y0, y1):0.#}")));
            svg.Append(F($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{path}\"/>"));
            svg.Append(F($"<text x=\"{Width - Pad - 4}\" y=\"{legendY}\" text-anchor=\"end\" fill=\"{colour}\">{Encode(name)}</text>"));
            legendY += 14;
        }
        return svg.Append("</svg>").ToString();
    }

    public static string Scatter(IReadOnlyList<(double X, double Y)> points, string xLabel, string yLabel)
    {
        var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (finite.Count == 0) return "<p>(no data)</p>";
        var lo = Math.Min(finite.Min(p => p.X), finite.Min(p => p.Y));
        var hi = Math.Max(finite.Max(p => p.X), finite.Max(p => p.Y));
        if (hi <= lo) hi = lo + 1;
        var svg = Open();
        Axes(svg, lo, hi, lo, hi, xLabel, yLabel);
        svg.Append(F($"<line x1=\"{Sx(lo, lo, hi):0.#}\" y1=\"{Sy(lo, lo, hi):0.#}\" x2=\"{Sx(hi, lo, hi):0.#}\" y2=\"{Sy(hi, lo, hi):0.#}\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>"));
        foreach (var (x, y) in finite)
            svg.Append(F($"<circle cx=\"{Sx(x, lo, hi):0.#}\" cy=\"{Sy(y, lo, hi):0.#}\" r=\"1.6\" fill=\"#3b7dd8\" fill-opacity=\"0.5\"/>"));
        return svg.Append("</svg>").ToString();
    }

    public static string Bars(IReadOnlyList<(string Label, double Value)> values)
    {
        const int label = 170, bar = 380, row = 22;
        if (values.Count == 0) return "<p>(no data)</p>";
        var max = Math.Max(values.Max(v => Math.Abs(v.Value)), 1e-12);
        var svg = new StringBuilder(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{label + bar + 90}\" height=\"{values.Count * row + 10}\" role=\"img\">"));
        for (var i = 0; i < values.Count; i++)
        {
            var y = i * row + 5;
            var w = Math.Abs(values[i].Value) / max * bar;
            svg.Append(F($"<text x=\"{label - 6}\" y=\"{y + 15}\" text-anchor=\"end\">{Encode(values[i].Label)}</text>"));
            svg.Append(F($"<rect x=\"{label}\" y=\"{y + 3}\" width=\"{w:0.#}\" height=\"{row - 6}\" fill=\"#3b7dd8\"/>"));
            svg.Append(F($"<text x=\"{label + w + 6:0.#}\" y=\"{y + 15}\">{values[i].Value:0.####}</text>"));
        }
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open() => new(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\">"));

    private static void Axes(StringBuilder svg, double x0, double x1, double y0, double y1, string xLabel, string yLabel)
    {
        svg.Append(F($"<rect x=\"{Pad}\" y=\"{Pad / 2}\" width=\"{Width - 1.5 * Pad:0}\" height=\"{Height - 1.5 * Pad:0}\" fill=\"none\" stroke=\"#999\"/>"));
        svg.Append(F($"<text x=\"{Pad}\" y=\"{Height - 8}\">{x0:0.###}</text><text x=\"{Width - Pad / 2}\" y=\"{Height - 8}\" text-anchor=\"end\">{x1:0.###}</text>"));
        svg.Append(F($"<text x=\"{Pad - 4}\" y=\"{Height - Pad}\" text-anchor=\"end\">{y0:0.###}</text><text x=\"{Pad - 4}\" y=\"{Pad / 2 + 10}\" text-anchor=\"end\">{y1:0.###}</text>"));
        svg.Append(F($"<text x=\"{Width / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Encode(xLabel)}</text>"));
        svg.Append(F($"<text x=\"12\" y=\"{Height / 2}\" transform=\"rotate(-90 12 {Height / 2})\" text-anchor=\"middle\">{Encode(yLabel)}</text>"));
    }

    private static double Sx(double x, double x0, double x1) => Pad + (x - x0) / (x1 - x0) * (Width - 1.5 * Pad);
    private static double Sy(double y, double y0, double y1) => Height - Pad - (y - y0) / (y1 - y0) * (Height - 1.5 * Pad);
    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
