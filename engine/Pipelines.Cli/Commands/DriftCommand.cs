using System.CommandLine;
using System.Globalization;
using Pipelines.Cli.Output;
using Pipelines.Cli.Remote;
using Pipelines.Service.Api.Drift;
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
            return CommandGuard.RunAsync(context, async () =>
            {
                IReadOnlyList<DriftEventResponse> events;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        events = (await service.ListDriftEventsAsync(parse.GetValue(model), parse.GetValue(limit), context.Cancellation)).Items;
                else
                {
                    using var store = context.OpenStore();
                    events = store.DriftEvents(parse.GetValue(model), parse.GetValue(limit))
                        .Select(d => new DriftEventResponse(d.DetectedAt, d.Model, d.Feature, d.Statistic, d.Value, d.Severity, d.Detail, d.RunId, d.StepId)).ToList();
                }
                Render(context, events);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>One table, whether the findings came from the store or through the service.</summary>
    private static void Render(CliContext context, IReadOnlyList<DriftEventResponse> events)
    {
        var table = new Table().AddColumns("detected (UTC)", "model", "feature", "statistic", "value", "severity", "run", "detail");
        foreach (var e in events)
            table.AddRow(e.DetectedAt.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape(e.Model), Markup.Escape(e.Feature), e.Statistic,
                e.Value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "", e.Severity, Markup.Escape($"{e.RunId} {e.StepId}"), Markup.Escape(e.Detail ?? ""));
        Consoles.For(context.Output).Write(table);
    }
}
