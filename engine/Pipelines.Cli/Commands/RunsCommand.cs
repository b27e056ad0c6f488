using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Cli.Remote;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Runs;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

public static class RunsCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var limit = new Option<int>("--limit", "-n") { Description = "How many of the newest runs.", DefaultValueFactory = _ => 20 };
        var pipeline = new Option<string?>("--pipeline") { Description = "Only runs of this pipeline (by name)." };
        var command = new Command("runs", "List recent runs, newest first.") { limit, pipeline };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                IReadOnlyList<RunSummary> runs;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        runs = (await service.ListRunsAsync(parse.GetValue(pipeline), parse.GetValue(limit), context.Cancellation)).Items;
                else if (!context.StoreExists)
                {
                    context.Output.WriteLine("no runs yet: the store does not exist");
                    return ExitCodes.Success;
                }
                else
                {
                    using var store = context.OpenStore();
                    var firings = new FiringLog(store);
                    runs = store.ListRuns(parse.GetValue(limit), parse.GetValue(pipeline)).Select(r => RunViews.Summary(r, firings.ForRun(r.RunId))).ToList();
                }
                Render(context, runs);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>One table, whether the runs came from the store or through the service.</summary>
    private static void Render(CliContext context, IReadOnlyList<RunSummary> runs)
    {
        var table = new Table().AddColumns("run", "pipeline", "status", "trigger", "started (UTC)", "duration", "commit");
        foreach (var run in runs)
            table.AddRow(run.Id, Markup.Escape(run.Pipeline), run.Status, run.Trigger.Kind, run.StartedAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "",
                run is { StartedAt: { } start, FinishedAt: { } end } ? Durations.Format(end - start) : "",
                run.GitCommit is null ? "" : run.GitCommit[..Math.Min(10, run.GitCommit.Length)] + (run.GitDirty == true ? "+dirty" : ""));
        Consoles.For(context.Output).Write(table);
        foreach (var run in runs.Where(r => r.Status == StatusText.Of(RunStatus.Interrupted)))
            context.Output.WriteLine($"{run.Id} was interrupted: continue it with 'pipelines resume {run.Id}'");
    }
}
