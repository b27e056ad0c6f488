using System.Globalization;
using System.Text;
using Pipelines.Steps.Train;
using Pipelines.Steps.Validate;

namespace Pipelines.Steps.Report;

/// <summary>
/// The gate's verdict as the report shows it: thresholds with their value and bounds, and each comparison with a
/// registered version with both models' figures on the same holdout rows, the margin, the bootstrap's lower bound and
/// a sentence saying why it held or not. Everything shown is what the gate recorded; nothing is scored again.
/// </summary>
internal static class GateVerdictHtml
{
    public static string Render(GateReport gate)
    {
        var html = new StringBuilder(F($"<p class=\"{(gate.Passed ? "ok" : "bad")}\">{(gate.Passed ? "Passed" : "Did not pass")}</p>"));
        var thresholds = gate.Requirements.Where(r => r.Beats is null).ToList();
        var comparisons = gate.Requirements.Where(r => r.Beats is not null).ToList();
        if (thresholds.Count > 0)
        {
            html.Append("<table><tr><th>metric</th><th>value</th><th>min</th><th>max</th><th>verdict</th></tr>");
            foreach (var r in thresholds)
                html.Append(F($"<tr><th>{Encode(ThresholdLabel(r))}</th><td>{Number(r.Value)}</td><td>{Number(r.Min)}</td><td>{Number(r.Max)}</td>{Verdict(r.Passed, r.By is not null && r.Value is null ? "not judged" : "meets")}</tr>"));
            html.Append("</table>");
        }
        if (comparisons.Count > 0)
        {
            // Headed by the alias when every comparison names the same one, as they usually do: "champion" reads better than "rival".
            var rivals = comparisons.Select(r => r.Beats).Distinct().ToList();
            var rivalHeader = rivals is [{ } alias] && !IsVersionNumber(alias) ? alias : "rival";
            html.Append("<h3>Compared with registered versions on the same holdout rows</h3>")
                .Append(F($"<table><tr><th>metric</th><th>compared with</th><th>candidate</th><th>{Encode(rivalHeader)}</th><th>improvement</th><th>lower bound</th><th>margin</th><th>verdict</th></tr>"));
            foreach (var r in comparisons)
            {
                html.Append(F($"<tr><th>{Encode(r.Metric)}</th><td>{Encode(Rival(r))}</td><td>{Number(r.CandidateValue)}</td><td>{Number(r.RivalValue)}</td>"))
                    .Append(F($"<td>{Number(r.Improvement)}</td><td>{Number(r.LowerBound)}{(r.Confidence is { } c ? F($" ({c:0.##%})") : "")}</td><td>{Number(r.Margin)}</td>{Verdict(r.Passed, r.RivalVersion is null ? "passes" : "beats")}</tr>"))
                    .Append(F($"<tr><td colspan=\"8\" class=\"why {(r.Passed ? "ok" : "bad")}\">{Encode(Why(r))}</td></tr>"));
            }
            html.Append("</table>");
        }
        return html.ToString();
    }

    /// <summary>The metric, and for a per-group threshold its group and holdout rows: "accuracy [regime_next = HIGH], 812 rows".</summary>
    private static string ThresholdLabel(GateCheck check) =>
        check.By is null ? check.Metric : F($"{GroupedThreshold.Label(check.Metric, check.By, check.Group ?? "")}, {check.Rows} rows");

    /// <summary>Who the candidate was measured against, e.g. "champion v3 of toxicity", or that the registry named nobody.</summary>
    private static string Rival(GateCheck check) => check.RivalVersion is null
        ? F($"{Requested(check)} of {check.Model}: none yet")
        : F($"{Found(check)} of {check.Model}");

    /// <summary>What the requirement asked for: an alias as written, or "version 3" when beats: named a number.</summary>
    private static string Requested(GateCheck check) => IsVersionNumber(check.Beats) ? F($"version {check.Beats}") : check.Beats ?? "";

    /// <summary>The version the registry gave, with the alias it was found by: "champion v3", or "v3" when beats: named it.</summary>
    private static string Found(GateCheck check) => IsVersionNumber(check.Beats) ? F($"v{check.RivalVersion}") : F($"{check.Beats} v{check.RivalVersion}");

    private static bool IsVersionNumber(string? beats) => int.TryParse(beats, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// One sentence a reader can check against the figures in the row: which of the two conditions the gate
    /// imposes (the mean improvement above the margin, and its lower bound above it too) held, and which did not.
    /// </summary>
    private static string Why(GateCheck check)
    {
        if (check.RivalVersion is null)
            return F($"No {Requested(check)} of {check.Model} was registered yet, so there was nothing to beat and the requirement passes.");
        if (check is not { CandidateValue: { } candidate, RivalValue: { } rival, Improvement: { } improvement, LowerBound: { } bound, Margin: { } margin, Confidence: { } confidence })
            return check.Reason ?? (check.Passed ? "Beats the rival." : "Does not beat the rival.");
        var rivalName = Found(check);
        var direction = ModelMetrics.HigherIsBetter(check.Metric) ? "higher" : "lower";
        var figures = F($"on the same {check.Rows} holdout rows the candidate's {check.Metric} ({direction} is better) is {Number(candidate)} against {Number(rival)}, an improvement of {Number(improvement)}");
        if (check.Passed)
            return F($"Beats {rivalName}: {figures}; the improvement and its {confidence:0.##%} lower bound {Number(bound)} are both above the margin {Number(margin)}.");
        if (improvement <= margin)
            return F($"Does not beat {rivalName}: {figures}, not above the margin {Number(margin)}.");
        return F($"Does not beat {rivalName}: {figures}, above the margin {Number(margin)}, but its {confidence:0.##%} lower bound {Number(bound)} is not, so the gain may be luck of the sample.");
    }

    private static string Verdict(bool passed, string word) => F($"<td class=\"{(passed ? "ok" : "bad")}\">{(passed ? word : "fails")}</td>");

    /// <summary>Six decimals, as the gate's own reasons print them: improvements and bounds are often a few thousandths.</summary>
    private static string Number(double? value) => value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "";

    private static string Encode(string? text) => SvgCharts.Encode(text ?? "");
    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
