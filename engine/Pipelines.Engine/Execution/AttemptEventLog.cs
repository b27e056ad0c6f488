using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Execution;

/// <summary>
/// The events one attempt of one step publishes, held until the attempt's outcome is known: the runner commits them with
/// the step's results when the attempt succeeds, and drops them when it fails, times out or is abandoned, so no
/// subscriber ever acts on a finding of work the store does not keep. Closed with the attempt.
/// </summary>
internal sealed class AttemptEventLog(string pipeline, string runId, string stepId) : IEventLog
{
    private readonly List<EventDraft> _drafts = [];
    private bool _closed;   // guarded by _drafts

    public void Publish(string type, string? model = null, string? feature = null, string payloadJson = "{}")
    {
        if (!EventTypeName.IsWellFormed(type))
            throw new ArgumentException($"event type '{type}' must be dotted lower-case words, e.g. drift.detected", nameof(type));
        CheckPayload(type, payloadJson);
        var draft = new EventDraft(type, $"/pipelines/{pipeline}/runs/{runId}/steps/{stepId}", pipeline, runId, stepId, model, feature, payloadJson);
        lock (_drafts)
        {
            if (_closed) throw new OperationCanceledException($"step '{stepId}' attempt is over; its late event '{type}' is discarded");
            _drafts.Add(draft);
        }
    }

    /// <summary>Everything published, in order; closes the log so nothing more is added.</summary>
    public IReadOnlyList<EventDraft> Close()
    {
        lock (_drafts)
        {
            _closed = true;
            return [.. _drafts];
        }
    }

    /// <summary>A payload that is not one JSON object could not become a CloudEvent's data; refuse it where it is written.</summary>
    private static void CheckPayload(string type, string payloadJson)
    {
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the payload of event '{type}' is not valid JSON: {e.Message}", nameof(payloadJson), e);
        }
        throw new ArgumentException($"the payload of event '{type}' must be a JSON object", nameof(payloadJson));
    }
}
