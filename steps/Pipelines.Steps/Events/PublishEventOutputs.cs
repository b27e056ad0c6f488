using Pipelines.Abstractions;

namespace Pipelines.Steps.Events;

public sealed record PublishEventOutputs
{
    [Output("The type published.")]
    public required string Type { get; init; }

    [Output("The event's data as published (a JSON object).")]
    public required string Payload { get; init; }
}
