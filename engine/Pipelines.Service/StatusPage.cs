using System.Globalization;
using System.Net;
using System.Text;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Status;

namespace Pipelines.Service;

/// <summary>
/// The home page of <c>pipelines serve</c>: what a person checks first — the champion and challenger of each model with
/// their last drift and performance checks, whether the scheduler fires and what it fires next, the recent runs, and the
/// recent drift and performance events — with Studio, the API reference and the metrics one click away. Rendered on
/// the server; every value from the store is HTML-encoded. When the server needs an API key the page is a shell that
/// asks for it (kept in the tab's session storage, as Studio's page does) and fetches the panel with it.
/// </summary>
public static class StatusPage
{
    public const string PanelPath = "/status/panel";

    /// <summary>The event types listed under "recent drift and performance".</summary>
    public static readonly IReadOnlyList<string> WatchedEventTypes = ["drift.detected", "performance.degraded", "performance.checked"];

    public sealed record Content(StatusResponse Status, IReadOnlyList<RunRecord> Runs, IReadOnlyList<PipelineEvent> Events,
        Api.Cluster.ClusterStatusResponse? Cluster = null);

    public static string Page(Content? content) => Template.Replace("@BODY@", content is null ? KeyShell : Panel(content));

    public static string Panel(Content content)
    {
        var html = new StringBuilder();
        var status = content.Status;
        html.Append("<section id=\"models\"><h2>Models</h2>");
        if (status.Models.Count == 0) html.Append("<p class=\"empty\">No model is registered yet.</p>");
        else
        {
            html.Append("<table><thead><tr><th>Model</th><th>Champion</th><th>Challenger</th><th>Last drift check</th><th>Last performance check</th></tr></thead><tbody>");
            foreach (var model in status.Models)
            {
                html.Append("<tr data-model=\"").Append(E(model.Name)).Append("\"><td>").Append(E(model.Name)).Append("</td><td class=\"champion\">")
                    .Append(model.Champion is { } c ? "v" + c.ToString(CultureInfo.InvariantCulture) : "—").Append("</td><td class=\"challenger\">")
                    .Append(model.Challenger is { } ch ? "v" + ch.ToString(CultureInfo.InvariantCulture) : "—").Append("</td><td>");
                if (model.LastDrift is { } drift)
                    html.Append("<span class=\"severity ").Append(E(drift.Severity.ToLowerInvariant())).Append("\">").Append(E(drift.Severity)).Append("</span> ")
                        .Append(drift.DriftedFeatures.Count == 0 ? "" : E(string.Join(", ", drift.DriftedFeatures)) + " ").Append(Time(drift.At));
                else html.Append("—");
                html.Append("</td><td>");
                if (model.LastPerformance is { } performance)
                    html.Append(E(performance.Type)).Append(' ').Append(Time(performance.At));
                else html.Append("—");
                html.Append("</td></tr>");
            }
            html.Append("</tbody></table>");
        }
        html.Append("</section>");

        html.Append("<section id=\"scheduler\"><h2>Schedule</h2><p>");
        html.Append(status.Scheduler.Running ? "The scheduler is running." : "No scheduler is running in this process.");
        if (status.Scheduler.Paused.Count > 0) html.Append(" Paused: ").Append(E(string.Join(", ", status.Scheduler.Paused))).Append('.');
        html.Append("</p>");
        if (status.Scheduler.NextFires.Count > 0)
        {
            html.Append("<table><thead><tr><th>Pipeline</th><th>Next fire (UTC)</th><th>Cron</th><th>Time zone</th></tr></thead><tbody>");
            foreach (var fire in status.Scheduler.NextFires)
                html.Append("<tr><td>").Append(E(fire.Pipeline)).Append("</td><td>").Append(Time(fire.At.UtcDateTime)).Append("</td><td><code>")
                    .Append(E(fire.Cron)).Append("</code></td><td>").Append(E(fire.TimeZone)).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        html.Append("</section>");

        if (content.Cluster is { } cluster) html.Append(ClusterPanel.Html(cluster));

        html.Append("<section id=\"runs\"><h2>Recent runs</h2>");
        if (content.Runs.Count == 0) html.Append("<p class=\"empty\">No run yet.</p>");
        else
        {
            html.Append("<table><thead><tr><th>Pipeline</th><th>Run</th><th>Status</th><th>Started (UTC)</th><th>Took</th></tr></thead><tbody>");
            foreach (var run in content.Runs)
            {
                var statusText = StatusText.Of(run.Status);
                html.Append("<tr><td>").Append(E(run.Pipeline)).Append("</td><td><a href=\"studio?instance=").Append(Uri.EscapeDataString(run.RunId)).Append("\">")
                    .Append(E(run.RunId)).Append("</a></td><td class=\"status ").Append(E(statusText)).Append("\">")
                    .Append(E(statusText)).Append("</td><td>").Append(Time(run.StartedAt)).Append("</td><td>")
                    .Append(run.FinishedAt is { } finished ? E(Duration(finished - run.StartedAt)) : "").Append("</td></tr>");
            }
            html.Append("</tbody></table>");
        }
        html.Append("</section>");

        html.Append("<section id=\"events\"><h2>Recent drift and performance</h2>");
        if (content.Events.Count == 0) html.Append("<p class=\"empty\">No drift or performance event yet.</p>");
        else
        {
            html.Append("<table><thead><tr><th>When (UTC)</th><th>Event</th><th>Model</th><th>Feature</th><th>Details</th></tr></thead><tbody>");
            foreach (var e in content.Events)
                html.Append("<tr><td>").Append(Time(e.Time)).Append("</td><td>").Append(E(e.Type)).Append("</td><td>").Append(E(e.Model ?? ""))
                    .Append("</td><td>").Append(E(e.Feature ?? "")).Append("</td><td><code>").Append(E(Shorten(e.PayloadJson, 160))).Append("</code></td></tr>");
            html.Append("</tbody></table>");
        }
        html.Append("</section>");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Time(DateTime time) => E(time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));

    private static string Duration(TimeSpan span) => span.TotalSeconds < 60
        ? span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : span.TotalMinutes < 60 ? span.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture) + " min" : span.TotalHours.ToString("0.0", CultureInfo.InvariantCulture) + " h";

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private const string KeyShell = """
        <form id="key-form"><label>API key <input id="api-key" type="password" autocomplete="off"/></label><button>Use</button></form>
        <div id="panel"></div>
        <script>
        (function () {
          const key = sessionStorage.getItem("pipelines-api-key") || "";
          document.getElementById("key-form").addEventListener("submit", e => {
            e.preventDefault(); sessionStorage.setItem("pipelines-api-key", document.getElementById("api-key").value); location.reload();
          });
          if (!key) return;
          fetch("status/panel", { headers: { "Authorization": "ApiKey " + key } }).then(async r => {
            const panel = document.getElementById("panel");
            if (r.ok) { panel.innerHTML = await r.text(); document.getElementById("key-form").hidden = true; }
            else panel.textContent = "The server answered " + r.status + (r.status === 401 ? ": check the API key." : ".");
          });
        })();
        </script>
        """;

    private const string Template = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1.0"/>
        <title>Pipelines</title>
        <base href="/"/>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 12px 20px; color: #222; }
          header { display: flex; align-items: baseline; gap: 20px; border-bottom: 1px solid #ddd; }
          header h1 { font-size: 20px; margin: 8px 0; flex: 1; }
          h2 { font-size: 14px; text-transform: uppercase; color: #666; margin-top: 24px; }
          table { border-collapse: collapse; width: 100%; font-size: 14px; }
          th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
          code { font-size: 12px; }
          .empty { color: #777; }
          .status.failed, .status.interrupted, .severity.high, .severity.critical { color: #b00; font-weight: 600; }
          .status.succeeded { color: #070; }
          .severity.medium { color: #b60; }
          .dead { color: #b00; font-weight: 600; }
        </style>
        </head>
        <body>
        <header><h1>Pipelines</h1>
          <a id="studio-link" href="studio">Studio</a> <a href="api/reference">API reference</a> <a href="openapi/v1.json">OpenAPI</a> <a href="metrics">Metrics</a>
        </header>
        <main>
        @BODY@
        </main>
        </body>
        </html>
        """;
}
