using System.Globalization;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// The idempotency key of a firing: at most one run per key, so a fire seen twice (two scheduler members, a
/// catch-up after a crash, an event delivered again) starts one run.
/// </summary>
public static class FiringKey
{
    /// <summary>Pipeline + scheduled time, in UTC so the same instant gives the same key whatever the offset it is written with.</summary>
    public static string ForSchedule(string pipeline, DateTimeOffset scheduledTime) =>
        $"{pipeline}/schedule/{scheduledTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>Pipeline + event id.</summary>
    public static string ForEvent(string pipeline, string eventId) => $"{pipeline}/event/{eventId}";
}
