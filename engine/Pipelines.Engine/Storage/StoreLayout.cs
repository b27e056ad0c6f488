namespace Pipelines.Engine.Storage;

/// <summary>Where a store keeps its files: one DuckDB database and its step journal, content-addressed artifacts, staging and logs.</summary>
public sealed class StoreLayout(string root)
{
    private const string ArtifactsFolder = "artifacts";

    public string Root { get; } = Path.GetFullPath(root);
    public string DatabasePath => Path.Combine(Root, "pipelines.duckdb");
    public string ArtifactsDirectory => Path.Combine(Root, ArtifactsFolder);
    /// <summary>Step records written ahead of their group commit (see <see cref="StepJournal"/>).</summary>
    public string JournalPath => Path.Combine(Root, "pipelines.journal");
    public string StagingDirectory => Path.Combine(Root, "staging");
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
