using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Cli.Remote;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Runs;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

public static class ShowCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var runId = new Argument<string>("run") { Description = "Run id or a unique prefix." };
        var command = new Command("show", "Show one run: where it came from, each step's outcome, and the artifacts it produced.") { runId };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                var id = parse.GetValue(runId)!;
                RunDetails run;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        run = await service.GetRunAsync(id, context.Cancellation);
                else
                {
                    using var store = context.OpenStore();
                    var record = store.FindRun(id) ?? throw new ArgumentException($"no run '{id}' in the store");
                    run = RunViews.Details(record, new FiringLog(store).ForRun(record.RunId), store);
                }
                Render(context, run);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>One view, whether the run came from the store or through the service.</summary>
    private static void Render(CliContext context, RunDetails run)
    {
        var console = Consoles.For(context.Output);
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string? value) => facts.AddRow(new Markup($"[bold]{name}[/]"), new Markup(Markup.Escape(value ?? "-")));
        Fact("run", run.Id);
        Fact("pipeline", $"{run.Pipeline} ({run.PipelineFile}, sha256 {run.PipelineSha256?[..12]})");
        Fact("status", run.Status + (run.Error is null ? "" : $": {run.Error}"));
        Fact("trigger", run.Trigger.Kind + (run.Trigger.ScheduledTime is { } at ? $", scheduled for {at:yyyy-MM-dd HH:mm:ss} UTC" : "")
                        + (run.Trigger.EventId is { } eventId ? $", event {eventId}" : ""));
        Fact("started", run.StartedAt is { } started
            ? $"{started:yyyy-MM-dd HH:mm:ss} UTC" + (run.FinishedAt is { } f ? $", took {Durations.Format(f - started)}" : "")
            : "not yet");
        Fact("git commit", run.GitCommit is null ? null : run.GitCommit + (run.GitDirty == true ? " (pipeline file modified)" : ""));
        Fact("parameters", run.ParamsJson == "{}" ? "defaults" : run.ParamsJson);
        Fact("host", (run.Pid is null ? $"{run.Host} (started it; a cluster run's steps name their node below)" : $"{run.Host} pid {run.Pid}") + (run.Resumes > 0 ? $", resumed {run.Resumes}x" : "") + (run.Forced ? ", forced" : ""));
        console.Write(facts);

        // The node and the delivery come last: scripts that read the columns before them keep their positions. A cluster
        // step recovered from a node that died shows delivery 2 (or more) and the node that finished it.
        var steps = new Table().AddColumns("step", "type", "status", "attempts", "time", "outputs", "note", "node", "delivery");
        foreach (var step in run.Steps)
            steps.AddRow(Markup.Escape(step.Id), Markup.Escape(step.Type), StatusCell(step.Status),
                step.Attempts.ToString(), step.DurationMs is { } ms ? Durations.Format(TimeSpan.FromMilliseconds(ms)) : "",
                Markup.Escape(ScalarOutputs(step.OutputsJson)), Markup.Escape(step.Message ?? ""), Markup.Escape(step.Node ?? "-"),
                step.Attempt?.ToString() ?? "-");
        console.Write(steps);

        var artifacts = new Table().AddColumns("step", "output", "artifact", "kind", "format", "size");
        foreach (var step in run.Steps)
            foreach (var artifact in step.Artifacts)
                artifacts.AddRow(Markup.Escape(step.Id), Markup.Escape(artifact.Output), artifact.Sha256[..12], artifact.Kind, artifact.Format, Durations.Bytes(artifact.Bytes));
        console.Write(artifacts);
        if (run.Status == StatusText.Of(RunStatus.Interrupted))
            context.Output.WriteLine($"the run was interrupted: continue it with 'pipelines resume {run.Id}'");
    }

    private static string StatusCell(string status) => status == RunViews.QueuedStep
        ? $"… {status}"
        : $"{ConsoleRunObserver.Symbol(StatusText.ParseStep(status))} {status}";

    /// <summary>A step's plain outputs (numbers, flags, texts, short lists) as name=value lines; artifacts are listed below.</summary>
    private static string ScalarOutputs(string? outputsJson)
    {
        if (outputsJson is null || System.Text.Json.Nodes.JsonNode.Parse(outputsJson) is not System.Text.Json.Nodes.JsonObject outputs) return "";
        var lines = new List<string>();
        foreach (var (name, value) in outputs)
        {
            switch (value)
            {
                case System.Text.Json.Nodes.JsonValue scalar:
                    lines.Add($"{Engine.Catalog.NameConvention.ToSnakeCase(name)}={scalar}");
                    break;
                case System.Text.Json.Nodes.JsonArray list when list.All(i => i is System.Text.Json.Nodes.JsonValue):
                    lines.Add($"{Engine.Catalog.NameConvention.ToSnakeCase(name)}: " + string.Join("; ", list.Select(i => i!.ToString())));
                    break;
            }
        }
        return string.Join(Environment.NewLine, lines);
    }
}
