using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Model;
using Pipelines.Service;
using Pipelines.Studio;

namespace Pipelines.Cli.Commands;

public static class ServeCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated; port 0 picks a free port.", DefaultValueFactory = _ => StudioOptions.DefaultUrl };
        var apiKey = new Option<string?>("--api-key") { Description = "Require 'Authorization: ApiKey <key>' on every API call; needed to listen beyond loopback." };
        var allowOrigin = new Option<string[]>("--allow-origin") { Description = "Origin of a Studio hosted elsewhere that may call the API.", AllowMultipleArgumentsPerToken = false };
        var grace = new Option<string>("--grace") { Description = "On Ctrl+C or SIGTERM, how long running runs may finish before they are cancelled, e.g. 30s.", DefaultValueFactory = _ => "30s" };
        var command = new Command("serve",
            "Run the service: schedules and events start pipelines by themselves, and Studio, the REST API under /api/v1 and the CLI go through it while it holds the store.")
        {
            urls, apiKey, allowOrigin, grace, RunCommand.Parallelism,
        };
        // With the store in PostgreSQL the service is a node of the cluster too.
        foreach (var option in ClusterOptions.All) command.Options.Add(option);
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                var graceText = parse.GetValue(grace)!;
                if (!DurationText.TryParse(graceText, out var gracePeriod))
                    throw new ArgumentException($"--grace '{graceText}' is not a duration such as 30s or 2m");
                var cluster = ClusterOptions.Settings(parse, firesSchedules: true, context.Workspace.Settings.Cluster);
                ClusterOptions.AddBenchSteps(parse, context);
                var assets = Path.Combine(AppContext.BaseDirectory, "studio");
                var options = new ServiceOptions
                {
                    WorkspaceRoot = context.Workspace.Root,
                    PipelinesDirectory = Path.Combine(context.Workspace.Root, "pipelines"),
                    Catalog = context.Catalog,
                    StorePath = context.Workspace.StorePath,
                    Store = context.Workspace.StoreLocation,
                    StoreWait = context.Workspace.Settings.Store.LockTimeout,
                    Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("PIPELINES_API_KEY"),
                    AllowedOrigins = parse.GetValue(allowOrigin) ?? [],
                    AssetsDirectory = File.Exists(Path.Combine(assets, "_framework", "blazor.webassembly.js")) ? assets : null,
                    MaxFileBytes = context.Workspace.Settings.Engine.MaxFileBytes,
                    RunDefaults = RunCommand.Options(context, parse),
                    GracePeriod = gracePeriod,
                    Log = context.Logger,
                    Notify = context.Workspace.Settings.Notify,
                    RegistryMaxVersions = context.Workspace.Settings.Registry.MaxVersions,
                    ClusterLivenessThreshold = context.Workspace.Settings.Cluster.Threshold(),
                    Cluster = cluster,
                };
                await using var service = ServiceHost.Build(options);
                await service.StartAsync(context.Cancellation);
                foreach (var address in service.Addresses) context.Output.WriteLine($"listening on {address}");
                if (service.Cluster is { } node)
                    context.Output.WriteLine($"joined the cluster as {node.InstanceId}: up to {node.Settings.MaxSteps} step(s) at once" +
                                             (node.Settings.Labels.Count > 0 ? $", labels {string.Join(",", node.Settings.Labels)}" : ""));
                if (options.AssetsDirectory is null) context.Output.WriteLine("Studio assets not found next to the program; serving the API only");
                var scheduled = service.Pipelines.All.Count(p => p.IsValid && p.Definition!.Triggers.Schedules.Count > 0);
                var subscribed = service.Pipelines.All.Count(p => p.IsValid && p.Definition!.Triggers.Events.Count > 0);
                context.Output.WriteLine($"{service.Pipelines.All.Count} pipeline(s): {scheduled} scheduled, {subscribed} subscribed to events");
                foreach (var invalid in service.Pipelines.All.Where(p => !p.IsValid))
                    foreach (var error in invalid.Errors) context.Output.WriteLine($"not scheduled: {error}");
                context.Output.Flush();
                try { await Task.Delay(Timeout.Infinite, context.Cancellation); }
                catch (OperationCanceledException) { }
                context.Output.WriteLine($"stopping: running runs have {Durations.Format(gracePeriod)} to finish");
                context.Output.Flush();
                await service.StopAsync(CancellationToken.None);
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
