using Pipelines.Abstractions;

namespace Pipelines.Steps.Tests.Support;

/// <summary>Keeps the drift events a check records, for the test to inspect.</summary>
public sealed class RecordedDriftLog : IDriftLog
{
    public List<DriftEvent> Events { get; } = [];

    public void Record(IReadOnlyList<DriftEvent> events) => Events.AddRange(events);
}
