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
        Directory.CreateDirectory(ArtifactsDirectory);
        Directory.CreateDirectory(StagingDirectory);
        Directory.CreateDirectory(LogsDirectory);
    }
}
