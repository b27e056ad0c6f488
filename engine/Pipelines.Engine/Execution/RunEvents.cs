using System.Text.Json.Nodes;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Execution;

/// <summary>
/// The events the engine publishes about a run: <c>run.started</c> when it begins (or resumes), and <c>run.succeeded</c>,
/// <c>run.failed</c> or <c>run.cancelled</c> when it ends. Each is written with the run's own row change, so a run's status
/// and its event never disagree. The payload says what started the run, and for a failure which steps failed and why.
/// </summary>
internal static class RunEvents
{
    public const string Started = "run.started";
    public const string Succeeded = "run.succeeded";
    public const string Failed = "run.failed";
    public const string Cancelled = "run.cancelled";

    public static EventDraft Start(string pipeline, string runId, TriggerContext trigger, bool resumed)
    {
        var payload = Common(pipeline, trigger);
        payload["resumed"] = resumed;
        return Draft(Started, pipeline, runId, payload);
    }

    /// <param name="failedSteps">The failed steps that failed the run, each with its (redacted) error.</param>
    public static EventDraft Finish(string pipeline, string runId, TriggerContext trigger, RunStatus status, string? error,
        IReadOnlyList<(string Step, string? Error)> failedSteps)
    {
        var payload = Common(pipeline, trigger);
        var type = status switch
        {
            RunStatus.Succeeded => Succeeded,
            RunStatus.Failed => Failed,
            RunStatus.Cancelled => Cancelled,
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "a run ends succeeded, failed or cancelled"),
        };
        if (status == RunStatus.Failed)
        {
            payload["error"] = error;
            payload["failed_steps"] = new JsonArray(failedSteps.Select(f => (JsonNode)new JsonObject { ["step"] = f.Step, ["error"] = f.Error }).ToArray());
        }
        return Draft(type, pipeline, runId, payload);
    }

    private static JsonObject Common(string pipeline, TriggerContext trigger)
    {
        var payload = new JsonObject { ["pipeline"] = pipeline, ["trigger_kind"] = trigger.Kind };
        if (trigger.ScheduledTimeText is { } scheduled) payload["scheduled_time"] = scheduled;
        // The event that started this run, so a chain of runs can be followed back to its cause.
        if (trigger.EventField("id") is string eventId) payload["trigger_event_id"] = eventId;
        return payload;
    }

    private static EventDraft Draft(string type, string pipeline, string runId, JsonObject payload) =>
        new(type, $"/pipelines/{pipeline}/runs/{runId}", pipeline, runId, PayloadJson: payload.ToJsonString());
}
