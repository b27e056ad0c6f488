using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Cli.Remote;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Model;
using Pipelines.Engine.Storage;

namespace Pipelines.Cli.Commands;

public static class RunCommand
{
    public static readonly Option<int?> Parallelism = new("--parallelism", "-j") { Description = "Most steps at once (default: ml.yaml engine.max_parallelism, or one per core)." };
    public static readonly Option<string?> Wait = new("--wait") { Description = "How long to wait for another process holding the store, e.g. 30s (default: ml.yaml store.lock_timeout)." };

    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var file = new Argument<string>("file") { Description = "Pipeline file." };
        var parameters = GlobalOptions.Params();
        var force = new Option<bool>("--force") { Description = "Rerun every step, ignoring cached results." };
        var command = new Command("run", "Run a pipeline, reusing cached results of unchanged steps.") { file, parameters, force, Parallelism, Wait };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                // Everything is checked before the store is touched: a rejected pipeline writes nothing.
                var overrides = GlobalOptions.ParseParams(parse.GetValue(parameters));
                var pipeline = PipelineLoader.Load(context, parse.GetValue(file)!, overrides);
                var options = Options(context, parse) with { Force = parse.GetValue(force), ParameterOverrides = overrides };
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        return await RemoteRun.SubmitAsync(context, service, pipeline, overrides, options.Force);
                using var store = context.OpenStore(WaitFor(parse));
                var runner = new PipelineRunner(store, context.Catalog, context.Logger);
                return await Execute(context, options, o => runner.RunAsync(pipeline, o, context.Cancellation));
            });
        });
        return command;
    }

    public static RunOptions Options(CliContext context, ParseResult parse)
    {
        var settings = context.Workspace.Settings.Engine;
        var parallelism = parse.GetValue(Parallelism) ?? settings.MaxParallelism;
        return new RunOptions
        {
            MaxParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount,
            DefaultStepTimeout = settings.StepTimeout,
            RegistryMaxVersions = context.Workspace.Settings.Registry.MaxVersions,
            StepSettings = context.Workspace.Settings.ForSteps(),
        };
    }

    public static TimeSpan? WaitFor(ParseResult parse)
    {
        var text = parse.GetValue(Wait);
        if (text is null) return null;
        return DurationText.TryParse(text, out var wait) ? wait : throw new ArgumentException($"--wait '{text}' is not a duration such as 30s or 2m");
    }

    /// <summary>Runs with a progress display and prints where to look next; maps the outcome to an exit code.</summary>
    public static async Task<int> Execute(CliContext context, RunOptions options, Func<RunOptions, Task<RunResult>> run)
    {
        var console = Consoles.For(context.Output);
        var observer = new ConsoleRunObserver(console, Consoles.IsInteractive(context.Output));
        var result = await observer.DisplayAsync(() => run(options with { Observer = observer }));
        return Report(context, result.RunId, result.Status, result.Steps.Values, observer.Failures);
    }

    /// <summary>The closing lines of a run, local or followed through the service, and its exit code.</summary>
    public static int Report(CliContext context, string runId, RunStatus status, IEnumerable<StepStatus> steps, IEnumerable<(string Step, string Message)> failures)
    {
        var counts = steps.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()} {StatusText.Of(g.Key)}");
        context.Output.WriteLine($"run {runId} {StatusText.Of(status)}: {string.Join(", ", counts)}");
        foreach (var (step, message) in failures)
            context.Output.WriteLine($"  {step} failed: {message}");
        if (status != RunStatus.Succeeded)
            context.Output.WriteLine($"details: pipelines show {runId}; continue: pipelines resume {runId}");
        return status switch
        {
            RunStatus.Succeeded => ExitCodes.Success,
            RunStatus.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.Failed,
        };
    }
}
