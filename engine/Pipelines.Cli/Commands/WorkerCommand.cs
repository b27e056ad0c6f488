using System.CommandLine;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;
using Pipelines.Service.Cluster;
using Pipelines.Service.Scheduling;

namespace Pipelines.Cli.Commands;

/// <summary>
/// <c>pipelines worker</c>: a headless node of the cluster. It joins the clustered scheduler on the store's PostgreSQL and
/// runs the steps it is given; on SIGTERM (or Ctrl+C) it drains: takes no new steps, lets its running ones finish, exits 0.
/// </summary>
public static class WorkerCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var command = new Command("worker",
            "Join the cluster as a worker: run steps of runs started anywhere in it (needs ml.yaml store.kind: postgres). SIGTERM drains it: running steps finish, no new ones start.");
        foreach (var option in ClusterOptions.All) command.Options.Add(option);
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                if (context.Workspace.Settings.Store.Kind != StoreKind.Postgres)
                    throw new ArgumentException("a worker needs the store in PostgreSQL: set store.kind: postgres in ml.yaml (see docs/cluster.md)");
                var settings = ClusterOptions.Settings(parse, firesSchedules: false, context.Workspace.Settings.Cluster);
                ClusterOptions.AddBenchSteps(parse, context);
                using var store = context.OpenStore();
                var firings = new FiringLog(store);
                var runDefaults = RunCommand.Options(context, parse) with { MaxParallelism = settings.MaxSteps };
                await using var node = new ClusterNode(store, context.Catalog, context.Workspace.Root, runDefaults, settings,
                    runId => firings.ForRun(runId) is { } firing ? RunDispatcher.TriggerOf(firing) : Pipelines.Engine.Triggers.TriggerContext.Manual,
                    context.Logger);
                await node.StartAsync(context.Cancellation);
                context.Output.WriteLine($"joined the cluster as {node.InstanceId}: up to {settings.MaxSteps} step(s) at once" +
                                         (settings.Labels.Count > 0 ? $", labels {string.Join(",", settings.Labels)}" : ""));
                context.Output.Flush();
                try { await Task.Delay(Timeout.Infinite, context.Cancellation); }
                catch (OperationCanceledException) { }
                context.Output.WriteLine($"draining: {node.RunningSteps} running step(s) finish, no new ones start");
                context.Output.Flush();
                await node.DrainAsync();
                context.Output.WriteLine("drained");
                context.Output.Flush();
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
