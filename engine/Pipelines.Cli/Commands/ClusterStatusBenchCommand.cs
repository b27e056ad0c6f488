using System.CommandLine;
using System.Globalization;
using Pipelines.Cli.Bench;

namespace Pipelines.Cli.Commands;

/// <summary>
/// <c>pipelines bench cluster-status</c>: what reading the cluster's status costs as the cluster grows, with clustered
/// Quartz schedulers started in this process against the store's PostgreSQL.
/// </summary>
public static class ClusterStatusBenchCommand
{
    /// <summary><c>pipelines bench cluster-status</c>: the status query's time with 1, 4, 16… clustered schedulers (docs/benchmarks.md).</summary>
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var nodes = new Option<string>("--nodes") { Description = "Comma-separated numbers of clustered schedulers to start in this process.", DefaultValueFactory = _ => "1,4,16" };
        var waiting = new Option<int>("--waiting") { Description = "Triggers waiting in the queue (due in an hour) while timing.", DefaultValueFactory = _ => 500 };
        var repeats = new Option<int>("--repeats") { Description = "Status reads timed per cluster size.", DefaultValueFactory = _ => 200 };
        var bench = new Command("cluster-status", "Time the cluster status query against this store's PostgreSQL with N clustered Quartz schedulers (named pipelines-bench) started in this process.")
        {
            nodes, waiting, repeats,
        };
        bench.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                var sizes = parse.GetValue(nodes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(n => int.TryParse(n, CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 256 ? v : throw new ArgumentException($"--nodes: '{n}' is not a number of schedulers from 1 to 256"))
                    .ToList();
                if (parse.GetValue(waiting) < 0 || parse.GetValue(repeats) < 1) throw new ArgumentException("--waiting must not be negative and --repeats must be at least 1");
                var location = context.Workspace.StoreLocation;
                if (location.ConnectionString is not { } connectionString)
                    throw new ArgumentException("bench cluster-status needs a PostgreSQL store (store.kind: postgres in ml.yaml): there is no cluster with a DuckDB store");
                using var store = context.OpenStore();
                context.Output.WriteLine("nodes  waiting  seen  status p50 ms  p99 ms  mean ms");
                foreach (var size in sizes)
                {
                    var r = await ClusterStatusBenchmark.RunAsync(store, connectionString, size, parse.GetValue(waiting), parse.GetValue(repeats), context.Cancellation);
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Nodes,5}  {r.Waiting,7}  {r.NodesSeen,4}  {r.P50Ms,13:0.00}  {r.P99Ms,6:0.00}  {r.MeanMs,7:0.00}"));
                }
                return ExitCodes.Success;
            });
        });
        return bench;
    }
}
