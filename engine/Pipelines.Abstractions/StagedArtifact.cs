namespace Pipelines.Abstractions;

/// <summary>
/// A file a step is writing. It lives in the run's staging directory until
/// <see cref="IStepContext.CommitArtifact"/> hashes it and moves it into the content-addressed store.
/// </summary>
public sealed record StagedArtifact(string Kind, string Format, string Path);
