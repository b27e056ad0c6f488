using Pipelines.Engine.Events;

namespace Pipelines.Service.Notifications;

/// <summary>A destination of notifications: a webhook or a Telegram chat, with the event types it receives.</summary>
public interface INotificationSink
{
    /// <summary>Unique among the configured sinks; deliveries are recorded under it. Holds no secret.</summary>
    string Name { get; }

    bool Receives(string eventType);

    /// <summary>One delivery attempt; returns once the destination accepted the event, throws saying why it did not.</summary>
    Task SendAsync(PipelineEvent stored, CancellationToken cancellation);
}
