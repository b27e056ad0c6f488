using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>One row of <c>artifacts</c>: a file known to the store and who first produced it.</summary>
public sealed record ArtifactRecord(
    Artifact Artifact,
    bool IsSource,
    DateTime CreatedAt,
    string? ProducedByRun,
    string? ProducedByStep);
