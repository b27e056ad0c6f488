using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// "<see cref="Artifact"/> cannot be loaded without <see cref="Referenced"/>": a file it names by hash (an ensemble's
/// member, meta-learner or regime model). Declared by the step that made <see cref="Artifact"/>, stored in
/// <c>artifact_references</c> with its results; retention keeps whatever a version in use needs.
/// </summary>
public sealed record ArtifactReference(Artifact Artifact, Artifact Referenced);
