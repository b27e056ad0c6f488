using System.Text.Json;
using Pipelines.Engine.Events;
using Pipelines.Engine.Triggers;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// Whether an event passes an <c>on.events</c> entry: the same type, and every filter the entry sets — the model the
/// event is about, the pipeline it came from, and for drift a severity at least <c>min_severity</c>.
/// </summary>
public static class EventMatching
{
    public static bool Matches(EventSubscription subscription, PipelineEvent stored, JsonDocument? payload)
    {
        if (subscription.Type.Name != stored.Type) return false;
        if (subscription.Model is { } model && (stored.Model ?? EventPayload.Member(payload, "model") as string) != model) return false;
        if (subscription.Pipeline is { } pipeline && (stored.Pipeline ?? EventPayload.Member(payload, "pipeline") as string) != pipeline) return false;
        if (subscription.MinSeverity is { } minimum)
        {
            // An event without a readable severity cannot be shown to reach the minimum, so it does not fire.
            if (EventPayload.Member(payload, "severity") is not string text || !Enum.TryParse<DriftSeverityLevel>(text, ignoreCase: true, out var severity)
                || int.TryParse(text, out _))
                return false;
            if (severity < minimum) return false;
        }
        return true;
    }
}
