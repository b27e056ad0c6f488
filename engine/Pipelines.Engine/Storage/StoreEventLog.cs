using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Events published in the name of one step of one run, stored at once with that run and step as their source: for
/// contexts outside the runner (tools, tests). The runner gives each attempt an <c>AttemptEventLog</c> instead, whose
/// events are committed with the step's results.
/// </summary>
public sealed class StoreEventLog(PipelineStore store, string pipeline, string runId, string stepId) : IEventLog
{
    public void Publish(string type, string? model = null, string? feature = null, string payloadJson = "{}") =>
        store.PublishEvent(new EventDraft(type, $"/pipelines/{pipeline}/runs/{runId}/steps/{stepId}", pipeline, runId, stepId, model, feature, payloadJson));
}
