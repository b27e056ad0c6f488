namespace Pipelines.Engine.Storage;

/// <summary>Where one notification stands: pending until delivered, or failed once its attempts are spent.</summary>
public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>
/// One event's delivery to one sink (a row of <c>notification_deliveries</c>). <see cref="NextAttemptAt"/> keeps a
/// pending delivery's backoff across restarts; <see cref="LastError"/> says why the last attempt failed.
/// </summary>
public sealed record NotificationDelivery(
    long EventSequence, string EventId, string EventType, string Sink, DeliveryStatus Status, int Attempts,
    DateTime CreatedAt, DateTime? NextAttemptAt, string? LastError, DateTime? DeliveredAt);
