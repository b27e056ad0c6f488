using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Cli.Remote;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Notifications;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

public static class NotificationsCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var failed = new Option<bool>("--failed") { Description = "Only notifications that gave up: every attempt failed." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many, newest event first.", DefaultValueFactory = _ => 50 };
        var command = new Command("notifications",
            "Deliveries of events to the sinks of ml.yaml's notify: (webhooks, Telegram): status, attempts, the last error and the next attempt.")
        {
            failed, limit,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                IReadOnlyList<NotificationResponse> deliveries;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        deliveries = (await service.ListNotificationsAsync(parse.GetValue(failed), parse.GetValue(limit), context.Cancellation)).Items;
                else if (!context.StoreExists)
                {
                    context.Output.WriteLine("no notifications yet: the store does not exist");
                    return ExitCodes.Success;
                }
                else
                {
                    using var store = context.OpenStore();
                    deliveries = new NotificationDeliveries(store).List(parse.GetValue(failed), parse.GetValue(limit))
                        .Select(d => new NotificationResponse(d.EventSequence, d.EventId, d.EventType, d.Sink, NotificationDeliveries.StatusText(d.Status),
                            d.Attempts, d.CreatedAt, d.NextAttemptAt, d.LastError, d.DeliveredAt))
                        .ToList();
                }
                Render(context, deliveries, parse.GetValue(failed));
                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>One table, whether the deliveries came from the store or through the service.</summary>
    private static void Render(CliContext context, IReadOnlyList<NotificationResponse> deliveries, bool failedOnly)
    {
        var table = new Table().AddColumns("event", "type", "sink", "status", "attempts", "last error", "next attempt (UTC)", "delivered (UTC)");
        foreach (var d in deliveries)
            table.AddRow(d.EventSequence.ToString(), Markup.Escape(d.EventType), Markup.Escape(d.Sink), d.Status, d.Attempts.ToString(),
                Markup.Escape(d.LastError ?? ""), d.Status == "pending" && d.NextAttemptAt is { } next ? next.ToString("yyyy-MM-dd HH:mm:ss") : "",
                d.DeliveredAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "");
        Consoles.For(context.Output).Write(table);
        if (deliveries.Count == 0) context.Output.WriteLine(failedOnly ? "no failed notifications" : "no notifications yet");
    }
}
