using Pipelines.Abstractions;

namespace Pipelines.Steps.Archive;

public sealed record ArchiveCaptureOutputs
{
    [Output("True when at least one new event was archived.")]
    public required bool Captured { get; init; }

    [Output("Names of the events archived by this run.")]
    public required IReadOnlyList<string> Events { get; init; }

    [Output("Qualifying windows not archived because they overlap an archived event, one readable line each.")]
    public required IReadOnlyList<string> Refused { get; init; }

    [Output("The rows of every event now in the archive, one table per event with an archive_event column; feed them to a train step's archive input.")]
    public required IReadOnlyList<Artifact> ArchiveRows { get; init; }

    [Output("Every day's criteria values and verdict, the windows found and what became of them (JSON).")]
    public required Artifact Report { get; init; }
}
