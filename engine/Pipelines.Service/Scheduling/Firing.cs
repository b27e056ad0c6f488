using System.Text.Json;
using Pipelines.Engine.Triggers;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// A trigger fired for a pipeline: what the run will see as <c>${{ trigger.* }}</c>, the parameters it sets, and the
/// idempotency key under which at most one run starts.
/// </summary>
public sealed record Firing(
    string Pipeline,
    string Key,
    TriggerContext Trigger,
    IReadOnlyDictionary<string, string> Parameters,
    string? ScheduleCron = null,
    string? EventId = null,
    bool Force = false)
{
    private static readonly IReadOnlyDictionary<string, string> NoParameters = new Dictionary<string, string>();

    /// <summary>A schedule's fire: keyed by pipeline and scheduled time.</summary>
    public static Firing ForSchedule(string pipeline, string cron, DateTimeOffset scheduledTime) =>
        new(pipeline, FiringKey.ForSchedule(pipeline, scheduledTime), TriggerContext.Scheduled(scheduledTime), NoParameters, ScheduleCron: cron);

    /// <summary>An event's delivery: keyed by pipeline and event id, so a second delivery of the same event starts nothing.</summary>
    public static Firing ForEvent(string pipeline, string eventId, IReadOnlyDictionary<string, object?> fields) =>
        new(pipeline, FiringKey.ForEvent(pipeline, eventId), TriggerContext.FromEvent(fields), NoParameters, EventId: eventId);

    /// <summary>A start by hand: every request is a firing of its own.</summary>
    public static Firing Manual(string pipeline, IReadOnlyDictionary<string, string> parameters) =>
        new(pipeline, $"{pipeline}/manual/{Guid.CreateVersion7()}", TriggerContext.Manual, parameters);

    public string? EventJson => Trigger.Event is null ? null : JsonSerializer.Serialize(Trigger.Event);
}

/// <summary>What the dispatcher made of a firing.</summary>
/// <param name="IsDuplicate">The key had fired before: nothing new was started, and the earlier decision is returned.</param>
public sealed record FiringOutcome(Engine.Storage.FiringDecision Decision, string? RunId, bool IsDuplicate, string? Reason);
