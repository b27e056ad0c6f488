using System.Globalization;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// What started a run, as <c>${{ trigger.* }}</c> reads it: the kind (<c>manual</c>, <c>schedule</c>,
/// <c>event</c>), the instant a schedule fired for, and the fields of the event that fired it.
/// </summary>
public sealed record TriggerContext(string Kind, DateTimeOffset? ScheduledTime, IReadOnlyDictionary<string, object?>? Event)
{
    public const string ManualKind = "manual";
    public const string ScheduleKind = "schedule";
    public const string EventKind = "event";

    /// <summary>The fields <c>${{ trigger.NAME }}</c> accepts besides <c>event.FIELD</c>.</summary>
    public static readonly string[] Fields = ["kind", "scheduled_time", "event"];

    /// <summary>A start by hand, as under <c>pipelines run</c>: no scheduled time, no event.</summary>
    public static TriggerContext Manual { get; } = new(ManualKind, null, null);

    public static TriggerContext Scheduled(DateTimeOffset scheduledTime) => new(ScheduleKind, scheduledTime, null);

    public static TriggerContext FromEvent(IReadOnlyDictionary<string, object?> fields) => new(EventKind, null, fields);

    /// <summary>The scheduled time as ISO 8601 with its offset, so a step sees the schedule's local time.</summary>
    public string? ScheduledTimeText => ScheduledTime?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public object? EventField(string name) => Event?.GetValueOrDefault(name);
}
