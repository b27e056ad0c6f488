using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Engine.Storage;
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
            return CommandGuard.RunAsync(context, () =>
            {
                if (!context.StoreExists)
                {
                    context.Output.WriteLine("no runs yet: the store does not exist");
                    return Task.FromResult(ExitCodes.Success);
                }
                using var store = context.OpenStore();
                var table = new Table().AddColumns("run", "pipeline", "status", "started (UTC)", "duration", "commit");
                var runs = store.ListRuns(parse.GetValue(limit), parse.GetValue(pipeline));
                foreach (var run in runs)
                    table.AddRow(run.RunId, Markup.Escape(run.Pipeline), StatusText.Of(run.Status), run.StartedAt.ToString("yyyy-MM-dd HH:mm:ss"),
                        run.FinishedAt is { } end ? Durations.Format(end - run.StartedAt) : "",
                        run.GitCommit is null ? "" : run.GitCommit[..Math.Min(10, run.GitCommit.Length)] + (run.GitDirty == true ? "+dirty" : ""));
                Consoles.For(context.Output).Write(table);
                foreach (var run in runs.Where(r => r.Status == RunStatus.Interrupted))
                    context.Output.WriteLine($"{run.RunId} was interrupted: continue it with 'pipelines resume {run.RunId}'");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
