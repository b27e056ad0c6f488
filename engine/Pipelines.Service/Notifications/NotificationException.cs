namespace Pipelines.Service.Notifications;

/// <summary>A delivery attempt that failed for a reason worth recording as it is (an HTTP status, an unset variable).</summary>
public sealed class NotificationException(string message, Exception? inner = null) : Exception(message, inner);
