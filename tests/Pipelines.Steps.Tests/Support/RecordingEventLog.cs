using Pipelines.Abstractions;

namespace Pipelines.Steps.Tests.Support;

/// <summary>Keeps the events a step publishes, for assertions.</summary>
public sealed class RecordingEventLog : IEventLog
{
    public List<(string Type, string? Model, string? Feature, string PayloadJson)> Published { get; } = [];

    public void Publish(string type, string? model = null, string? feature = null, string payloadJson = "{}") =>
        Published.Add((type, model, feature, payloadJson));
}
