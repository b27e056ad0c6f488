using System.CommandLine;
using System.Globalization;
using Pipelines.Cli.Output;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

public static class DriftCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var model = new Option<string?>("--model") { Description = "Only events of this model." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many of the newest events.", DefaultValueFactory = _ => 50 };
        var command = new Command("drift", "When drift fired: recorded drift events, newest first, with the run that found them (see 'pipelines show RUN' for what it did next).")
        {
            model, limit,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                using var store = context.OpenStore();
                var table = new Table().AddColumns("detected (UTC)", "model", "feature", "statistic", "value", "severity", "run", "detail");
                foreach (var e in store.DriftEvents(parse.GetValue(model), parse.GetValue(limit)))
                    table.AddRow(e.DetectedAt.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape(e.Model), Markup.Escape(e.Feature), e.Statistic,
                        e.Value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "", e.Severity, Markup.Escape($"{e.RunId} {e.StepId}"), Markup.Escape(e.Detail ?? ""));
                Consoles.For(context.Output).Write(table);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
