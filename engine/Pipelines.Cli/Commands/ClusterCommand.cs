using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipelines.Cli.Output;
using Pipelines.Engine.Cluster;
using Pipelines.Service.Api.Cluster;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

/// <summary>
/// <c>pipelines cluster status</c>: the cluster's nodes with their last check-in and whether they are alive, the steps
/// running where, and the queue, read from Quartz's tables in the store's PostgreSQL database (no service needed: the
/// database is the cluster's shared state). With a DuckDB store it says there is no cluster.
/// </summary>
public static class ClusterCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var threshold = new Option<double?>("--threshold")
        {
            Description = "Seconds a node's check-in may be late, beyond its own check-in interval, before it is shown as not alive (Quartz's clusterCheckinMisfireThreshold; " +
                          "by default ml.yaml's cluster.checkin_threshold, else its cluster.checkin_interval, else 7.5).",
        };
        var json = new Option<bool>("--json") { Description = "Print the status as one JSON object (the API's shape) instead of tables." };
        var status = new Command("status", "Nodes with their last check-in and whether they are alive, running steps (run, step, node, since) and queue depth.")
        {
            threshold, json,
        };
        status.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                // What the nodes started here were told (ml.yaml's cluster:), unless the question is asked with another lateness.
                var lateness = context.Workspace.Settings.Cluster.Threshold();
                if (parse.GetValue(threshold) is { } seconds)
                {
                    if (seconds is < 0 or > 86_400 || double.IsNaN(seconds))
                        throw new ArgumentException($"--threshold must be a number of seconds between 0 and 86400, got {seconds.ToString(CultureInfo.InvariantCulture)}");
                    lateness = TimeSpan.FromSeconds(seconds);
                }
                ClusterStatus read;
                using (var store = context.OpenStore()) read = ClusterStatusQuery.Read(store, lateness);
                var response = ClusterStatusResponse.From(read);
                if (parse.GetValue(json)) context.Output.WriteLine(JsonSerializer.Serialize(response, JsonSerializerOptions.Web));
                else Render(context, response);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return new Command("cluster", "The cluster of pipelines serve and worker nodes sharing a PostgreSQL store.") { status };
    }

    private static void Render(CliContext context, ClusterStatusResponse status)
    {
        if (!status.Clustered)
        {
            context.Output.WriteLine(status.Note);
            return;
        }
        var console = Consoles.For(context.Output);
        var nodes = new Table().AddColumns("node", "scheduler", "last check-in (UTC)", "ago", "interval", "alive", "running");
        foreach (var node in status.Nodes)
            nodes.AddRow(Markup.Escape(node.InstanceId), Markup.Escape(node.Scheduler), node.LastCheckIn.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                Durations.Format(status.At - node.LastCheckIn), Seconds(node.CheckInIntervalSeconds), node.Alive ? "yes" : "NO",
                node.Running.ToString(CultureInfo.InvariantCulture));
        console.Write(nodes);
        if (status.Running.Count > 0)
        {
            var running = new Table().AddColumns("run", "step", "node", "since (UTC)", "for", "state");
            foreach (var step in status.Running)
                running.AddRow(Markup.Escape(step.RunId ?? ""), Markup.Escape(step.StepId ?? step.Job), Markup.Escape(step.Node),
                    step.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Durations.Format(status.At - step.Since), step.State);
            console.Write(running);
        }
        foreach (var queue in status.Queues)
            context.Output.WriteLine($"{queue.Scheduler}: {queue.Queued} queued, {queue.Acquired} acquired, {queue.Scheduled} scheduled, {queue.Blocked} blocked, {queue.Paused} paused");
        var alive = status.Nodes.Count(n => n.Alive);
        context.Output.WriteLine(
            $"{alive} of {status.Nodes.Count} node(s) alive (threshold {Seconds(status.ThresholdSeconds)}), {status.Running.Count(r => r.State == "EXECUTING")} step(s) running, queue depth {status.QueueDepth}");
        if (status.Note is { } note) context.Output.WriteLine(note);
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
