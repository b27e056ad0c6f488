namespace Pipelines.Engine.Storage;

/// <summary>
/// Where a store keeps its files: one DuckDB database and its step journal, content-addressed artifacts, staging and logs.
/// With <paramref name="sharedArtifacts"/> (a directory every process of a PostgreSQL store mounts) the artifacts live
/// there, and so does staging, so that a staged file enters the store by a rename within one file system: atomic even when
/// two machines store the same content at once.
/// </summary>
public sealed class StoreLayout(string root, string? sharedArtifacts = null)
{
    private const string ArtifactsFolder = "artifacts";

    public string Root { get; } = Path.GetFullPath(root);
    public string DatabasePath => Path.Combine(Root, "pipelines.duckdb");
    public string ArtifactsDirectory { get; } = sharedArtifacts is null ? Path.Combine(Path.GetFullPath(root), ArtifactsFolder) : Path.GetFullPath(sharedArtifacts);

    /// <summary>Whether the artifacts live in a directory of their own, shared with other processes, rather than under <see cref="Root"/>.</summary>
    public bool SharesArtifacts => sharedArtifacts is not null;
    /// <summary>Step records written ahead of their group commit (see <see cref="StepJournal"/>).</summary>
    public string JournalPath => Path.Combine(Root, "pipelines.journal");
    public string StagingDirectory => SharesArtifacts ? Path.Combine(ArtifactsDirectory, ".staging") : Path.Combine(Root, "staging");
    public string LogsDirectory => Path.Combine(Root, "logs");

    public string ArtifactPath(string sha256, string format) =>
        Path.Combine(ArtifactsDirectory, sha256[..2], format.Length == 0 ? sha256 : $"{sha256}.{format}");

    public string RelativeArtifactPath(string sha256, string format) =>
        Path.Combine(ArtifactsFolder, sha256[..2], format.Length == 0 ? sha256 : $"{sha256}.{format}");

    public void EnsureDirectories()
    {
        if (!Directory.Exists(ArtifactsDirectory))
        {
            // A new store makes its 256 shard directories up front rather than one by one under its first few hundred
            // artifacts, where each creation stalls the step that needs it (hundreds of µs on ext4). One missing after
            // an interrupted creation is made when first needed, as in stores older than this.
            for (var shard = 0; shard < 256; shard++) Directory.CreateDirectory(Path.Combine(ArtifactsDirectory, $"{shard:x2}"));
        }
        Directory.CreateDirectory(StagingDirectory);
        Directory.CreateDirectory(LogsDirectory);
    }
}
