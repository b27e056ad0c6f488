namespace Pipelines.Engine.Storage;

/// <summary>An artifact file is missing or its bytes no longer match the hash it was stored under.</summary>
public sealed class ArtifactIntegrityException(string message) : Exception(message);
