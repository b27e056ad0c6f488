using System.Globalization;
using System.Net;
using System.Text;
using Pipelines.Service.Api.Cluster;

namespace Pipelines.Service;

/// <summary>
/// The home page's cluster section: each node with its last check-in and whether it is alive, the steps running where,
/// and the queue; with a DuckDB store, one line saying there is no cluster. Every value is HTML-encoded.
/// </summary>
public static class ClusterPanel
{
    public static string Html(ClusterStatusResponse cluster)
    {
        var html = new StringBuilder("<section id=\"cluster\"><h2>Cluster</h2>");
        if (!cluster.Clustered)
            return html.Append("<p class=\"empty\">").Append(E(cluster.Note ?? "no cluster")).Append("</p></section>").ToString();
        html.Append("<p>").Append(cluster.Nodes.Count(n => n.Alive).ToString(CultureInfo.InvariantCulture)).Append(" of ")
            .Append(cluster.Nodes.Count.ToString(CultureInfo.InvariantCulture)).Append(" node(s) alive; ")
            .Append(cluster.Running.Count(r => r.State == "EXECUTING").ToString(CultureInfo.InvariantCulture)).Append(" step(s) running; queue depth <span class=\"queue-depth\">")
            .Append(cluster.QueueDepth.ToString(CultureInfo.InvariantCulture)).Append("</span>.");
        if (cluster.Note is { } note) html.Append(' ').Append(E(note)).Append('.');
        html.Append("</p>");
        if (cluster.Nodes.Count > 0)
        {
            html.Append("<table><thead><tr><th>Node</th><th>Scheduler</th><th>Last check-in (UTC)</th><th>Interval</th><th>Alive</th><th>Running</th></tr></thead><tbody>");
            foreach (var node in cluster.Nodes)
                html.Append("<tr data-node=\"").Append(E(node.InstanceId)).Append("\"><td>").Append(E(node.InstanceId)).Append("</td><td>").Append(E(node.Scheduler))
                    .Append("</td><td>").Append(Time(node.LastCheckIn)).Append("</td><td>").Append(Seconds(node.CheckInIntervalSeconds))
                    .Append("</td><td class=\"").Append(node.Alive ? "alive\">yes" : "dead\">no").Append("</td><td>")
                    .Append(node.Running.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        if (cluster.Running.Count > 0)
        {
            html.Append("<table><thead><tr><th>Run</th><th>Step</th><th>Node</th><th>Since (UTC)</th><th>State</th></tr></thead><tbody>");
            foreach (var step in cluster.Running)
                html.Append("<tr><td>").Append(E(step.RunId ?? "")).Append("</td><td>").Append(E(step.StepId ?? step.Job)).Append("</td><td>").Append(E(step.Node))
                    .Append("</td><td>").Append(Time(step.Since)).Append("</td><td>").Append(E(step.State)).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        return html.Append("</section>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Time(DateTimeOffset time) => E(time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));

    private static string Seconds(double seconds) => E(seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s");
}
