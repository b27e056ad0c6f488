using System.Text.Json.Serialization;

namespace Pipelines.Abstractions;

/// <summary>
/// An input naming a file inside the workspace. The engine rejects paths that escape the workspace, hashes
/// the file into the step's cache key and records it in lineage as a source.
/// </summary>
/// <param name="Relative">The path as written in the pipeline, relative to the workspace root.</param>
/// <param name="FullPath">The resolved absolute path, checked to lie inside the workspace; left out of cache keys
/// so a workspace moved elsewhere keeps its cache.</param>
/// <param name="Source">The source artifact recorded for this file.</param>
public sealed record WorkspacePath(string Relative, [property: JsonIgnore] string FullPath, Artifact Source);
