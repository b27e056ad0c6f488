namespace Pipelines.Service.Api.Notifications;

public sealed record NotificationsRequest(string? Failed, string? Limit);

/// <summary>One delivery of one event to one sink; <c>Status</c> is <c>pending</c>, <c>delivered</c> or <c>failed</c>.</summary>
public sealed record NotificationResponse(
    long EventSequence, string EventId, string EventType, string Sink, string Status, int Attempts, DateTime CreatedAt,
    DateTime? NextAttemptAt, string? LastError, DateTime? DeliveredAt);

public sealed record NotificationListResponse(IReadOnlyList<NotificationResponse> Items);
