using Pipelines.Abstractions;

namespace Pipelines.Steps.Tests.Support;

/// <summary>Keeps the drift events a step records, for assertions.</summary>
public sealed class RecordingDriftLog : IDriftLog
{
    public List<DriftEvent> Events { get; } = [];

    public void Record(IReadOnlyList<DriftEvent> events) => Events.AddRange(events);
}
