using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipelines.Cli.Bench;
using Pipelines.Engine.Settings;

namespace Pipelines.Cli.Commands;

/// <summary><c>pipelines bench cluster</c>: clustered execution on the workspace's PostgreSQL store, with worker processes it starts.</summary>
internal static class ClusterBenchCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var runs = new Option<int>("--runs") { Description = "Runs per measurement.", DefaultValueFactory = _ => 10 };
        var width = new Option<int>("--width") { Description = "Independent no-op steps per run in the throughput runs.", DefaultValueFactory = _ => 40 };
        var chain = new Option<int>("--chain") { Description = "Steps per chain in the dispatch-latency runs.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("cluster",
            "Clustered execution on this workspace's PostgreSQL store (ml.yaml store.kind: postgres): no-op steps per second with 1, 2 and 3 worker processes, " +
            "dispatch latency from a step's end to its dependent's start, and the time from a worker's SIGKILL to its step starting elsewhere.")
        {
            runs, width, chain, json,
        };
        foreach (var option in new Option[] { ClusterOptions.MaxSteps, ClusterOptions.CheckinInterval, ClusterOptions.CheckinThreshold, ClusterOptions.Poll })
            command.Options.Add(option);
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                if (context.Workspace.Settings.Store.Kind != StoreKind.Postgres)
                    throw new ArgumentException("bench cluster needs the store in PostgreSQL: set store.kind: postgres in ml.yaml");
                var settings = ClusterOptions.Settings(parse, firesSchedules: false, context.Workspace.Settings.Cluster);
                var r = await ClusterBenchmark.RunAsync(context.Workspace.Root, context.Workspace.StoreLocation, context.Catalog, settings,
                    parse.GetValue(runs), parse.GetValue(width), parse.GetValue(chain), context.Error, context.Cancellation);
                var figures = new Dictionary<string, object>
                {
                    ["max_steps_per_worker"] = r.MaxStepsPerWorker,
                    ["checkin_interval_s"] = r.CheckinInterval.TotalSeconds,
                    ["checkin_threshold_s"] = r.CheckinThreshold.TotalSeconds,
                    ["dispatch_edges"] = r.Edges,
                    ["dispatch_p50_ms"] = Math.Round(r.DispatchP50Ms, 1),
                    ["dispatch_p99_ms"] = Math.Round(r.DispatchP99Ms, 1),
                    ["failover_s"] = Math.Round(r.FailoverSeconds, 2),
                };
                foreach (var t in r.Throughput) figures[$"noop_steps_per_s_{t.Workers}_workers"] = Math.Round(t.StepsPerSecond, 1);
                context.Output.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(figures)
                    : string.Join(Environment.NewLine, figures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key}: {f.Value}"))));
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
