using System.Text.Json.Nodes;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Events;

/// <summary>
/// Publishes an event of the pipeline's own, for other pipelines' <c>on.events</c> to start from (a batch of rare
/// events captured, a dataset refreshed). Like every step's events it is committed with the step's results, so it is
/// published only if the run gets this far. Its type starts with <c>custom.</c>: the other names are the engine's and its
/// steps', which a pipeline may not forge.
/// </summary>
[Step("events/publish", "Events", "Publish event", Cacheable = false,
    Description = "Publish an event of the pipeline's own (type custom.*, with model, feature and a payload of text values); pipelines subscribed to it in on.events start from it.")]
public sealed class PublishEventStep : Step<PublishEventInputs, PublishEventOutputs>
{
    public override Task<PublishEventOutputs> ExecuteAsync(PublishEventInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (EventTypeName.PipelineTypeProblem(inputs.Type) is { } problem) throw new StepInputException("type", problem);
        var checkKeys = new PayloadKeys();
        if (inputs.Payload.Keys.Select(checkKeys.Problem).FirstOrDefault(p => p is not null) is { } keyProblem)
            throw new StepInputException("payload", keyProblem);
        var payload = new JsonObject();
        foreach (var (key, value) in inputs.Payload.OrderBy(p => p.Key, StringComparer.Ordinal)) payload[key] = value;
        var json = payload.ToJsonString();
        context.Events.Publish(inputs.Type, inputs.Model, inputs.Feature, json);
        context.Log.Information("Published {Type} {Payload}", inputs.Type, json);
        return Task.FromResult(new PublishEventOutputs { Type = inputs.Type, Payload = json });
    }
}
