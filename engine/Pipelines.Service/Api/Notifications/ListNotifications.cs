using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Api.Notifications;

/// <summary>
/// <c>GET /api/v1/notifications?failed=&amp;limit=</c>: deliveries of events to the sinks of ml.yaml's <c>notify:</c>, newest
/// event first — what is pending and when it is tried next, what was delivered, and what gave up and why.
/// </summary>
internal static class ListNotifications
{
    private const int MaxLimit = 10_000;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder notifications, ServiceApiContext context) =>
        notifications.MapGet("", ([AsParameters] NotificationsRequest request) => Handle(context, request.Failed, request.Limit))
            .WithName("ListNotifications").WithSummary("Deliveries of events to webhooks and Telegram: status, attempts, last error, next attempt.");

    private static Results<Ok<NotificationListResponse>, ValidationProblem> Handle(ServiceApiContext context, string? failedText, string? limitText)
    {
        var failedOnly = false;
        if (failedText is { Length: > 0 } && !bool.TryParse(failedText, out failedOnly)) return ApiProblems.BadValue("failed", "must be true or false");
        if (!QueryValues.TryLimit(limitText, 50, MaxLimit, out var limit, out var error)) return ApiProblems.BadValue("limit", error);
        var items = context.Read(store => new NotificationDeliveries(store).List(failedOnly, limit), [])
            .Select(d => new NotificationResponse(d.EventSequence, d.EventId, d.EventType, d.Sink, NotificationDeliveries.StatusText(d.Status), d.Attempts,
                d.CreatedAt, d.NextAttemptAt, d.LastError, d.DeliveredAt))
            .ToList();
        return TypedResults.Ok(new NotificationListResponse(items));
    }
}
