namespace Pipelines.Abstractions;

/// <summary>
/// A content-addressed file produced by a step (or a source file read by one). Steps never read
/// <see cref="StorePath"/> directly: they ask <see cref="IStepContext.OpenArtifact"/>, which verifies the hash.
/// </summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes; the artifact's identity.</param>
/// <param name="Kind">What the file holds, e.g. "table", "model", "report", "source".</param>
/// <param name="Format">The file format, e.g. "parquet", "csv", "json", "txt".</param>
/// <param name="Bytes">File size in bytes.</param>
/// <param name="StorePath">Path relative to the store root (or to the workspace, for sources).</param>
public sealed record Artifact(string Sha256, string Kind, string Format, long Bytes, string StorePath)
{
    public string ShortId => Sha256[..12];
}
