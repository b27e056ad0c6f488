using Pipelines.Engine.Settings;

namespace Pipelines.Service.Notifications;

/// <summary>The sinks ml.yaml's <c>notify:</c> declares, in its order.</summary>
public static class NotificationSinks
{
    public static IReadOnlyList<INotificationSink> From(IReadOnlyList<NotifySink> settings, HttpClient http) =>
        settings.Select(sink => sink.Telegram is not null ? (INotificationSink)new TelegramSink(sink, http) : new WebhookSink(sink, http)).ToList();
}
