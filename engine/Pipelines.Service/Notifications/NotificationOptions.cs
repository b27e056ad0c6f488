namespace Pipelines.Service.Notifications;

/// <summary>How hard the notifier tries: per-request timeout, attempts and their backoff, and how often it looks for new events.</summary>
public sealed record NotificationOptions
{
    /// <summary>Longest one delivery attempt may take; a hanging endpoint costs this much, then the attempt counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per notification before it is marked failed.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Backoff before the second attempt; it doubles after each further failure (see <see cref="RetrySchedule"/>).</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest backoff between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the notifier reads new events and looks for deliveries that fell due.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Events read, or deliveries attempted per sink, in one round.</summary>
    public int BatchSize { get; init; } = 100;

    public RetrySchedule Retries => new(FirstRetryDelay, MaxRetryDelay);
}
