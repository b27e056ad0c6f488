using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Cli.Remote;
using Pipelines.Engine.Events;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

/// <summary>
/// <c>pipelines events</c>: what the engine and the steps published, newest first, as a table or (with <c>--json</c>)
/// one CloudEvent per line in structured JSON, exactly what a webhook receives. While a service holds the store the
/// events come through its API, as the same CloudEvents.
/// </summary>
public static class EventsCommand
{
    /// <summary>How much of a payload a table row shows; <c>--json</c> prints all of it.</summary>
    private const int PayloadWidth = 80;

    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var type = new Option<string?>("--type") { Description = "Only events of this type, e.g. drift.detected." };
        var model = new Option<string?>("--model") { Description = "Only events about this model." };
        var pipeline = new Option<string?>("--pipeline") { Description = "Only events of runs of this pipeline." };
        var since = new Option<string?>("--since") { Description = "Only events since then: a duration back from now (30m, 24h, 7d) or an ISO date/time." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many of the newest events.", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "One CloudEvent per line, in structured JSON." };
        var command = new Command("events", "List published events (run, drift, model, shadow, performance and pipelines' own), newest first.")
        {
            type, model, pipeline, since, limit, json,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                var count = parse.GetValue(limit);
                if (count < 1) throw new ArgumentException($"--limit must be at least 1, not {count}");
                var from = parse.GetValue(since) is { } sinceText ? EventsSince.Parse(sinceText, DateTime.UtcNow) : (DateTime?)null;
                IReadOnlyList<EventRow> events;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        events = (await service.ListEventsAsync(parse.GetValue(type), parse.GetValue(model), parse.GetValue(pipeline), from, count, context.Cancellation))
                            .Items.Select(EventRow.From).ToList();
                else if (!context.StoreExists)
                {
                    if (!parse.GetValue(json)) context.Output.WriteLine("no events yet: the store does not exist");
                    return ExitCodes.Success;
                }
                else
                {
                    using var store = context.OpenStore();
                    events = store.Events(new EventQuery(parse.GetValue(type), parse.GetValue(model), parse.GetValue(pipeline), from, Limit: count))
                        .Select(EventRow.From).ToList();
                }
                if (parse.GetValue(json)) WriteJsonLines(context.Output, events);
                else WriteTable(context, events);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static void WriteJsonLines(TextWriter output, IReadOnlyList<EventRow> events)
    {
        foreach (var e in events) output.WriteLine(e.StructuredJson);
    }

    private static void WriteTable(CliContext context, IReadOnlyList<EventRow> events)
    {
        var table = new Table().AddColumns("seq", "time (UTC)", "type", "pipeline", "run", "subject", "payload");
        foreach (var e in events)
            table.AddRow(e.Sequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Time.ToString("yyyy-MM-dd HH:mm:ss"),
                Markup.Escape(e.Type), Markup.Escape(e.Pipeline ?? ""), Markup.Escape(e.RunId is null ? "" : e.StepId is null ? e.RunId : $"{e.RunId} {e.StepId}"),
                Markup.Escape(e.Subject ?? ""), Markup.Escape(Shortened(e.Payload)));
        Consoles.For(context.Output).Write(table);
        if (events.Count == 0) context.Output.WriteLine("no events match");
    }

    private static string Shortened(string payload) => payload.Length <= PayloadWidth ? payload : payload[..(PayloadWidth - 1)] + "…";
}
