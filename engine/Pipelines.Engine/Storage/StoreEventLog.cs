using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>Events published by one step of one run, stored with that run and step as their source.</summary>
public sealed class StoreEventLog(PipelineStore store, string pipeline, string runId, string stepId) : IEventLog
{
    public void Publish(string type, string? model = null, string? feature = null, string payloadJson = "{}") =>
        store.PublishEvent(new EventDraft(type, $"/pipelines/{pipeline}/runs/{runId}/steps/{stepId}", pipeline, runId, stepId, model, feature, payloadJson));
}
