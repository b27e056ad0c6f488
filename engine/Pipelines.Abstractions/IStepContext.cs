using Serilog;

namespace Pipelines.Abstractions;

/// <summary>What a running step may ask of the engine.</summary>
public interface IStepContext
{
    string RunId { get; }
    string StepId { get; }

    /// <summary>The workspace root (the directory holding ml.yaml).</summary>
    string WorkspaceRoot { get; }

    /// <summary>Workspace-wide defaults from ml.yaml (e.g. drift thresholds); a step's own inputs take precedence.</summary>
    WorkspaceSettings Settings { get; }

    /// <summary>A logger enriched with the run and step; secrets are redacted from its output.</summary>
    ILogger Log { get; }

    /// <summary>Reserves a new file in the run's staging area for the step to write.</summary>
    StagedArtifact StageArtifact(string kind, string format);

    /// <summary>Hashes a staged file and moves it into the content-addressed store.</summary>
    Artifact CommitArtifact(StagedArtifact staged);

    /// <summary>Returns the absolute path of an artifact after verifying its SHA-256; throws if altered.</summary>
    string OpenArtifact(Artifact artifact);

    /// <summary>The model registry of this workspace's store; transitions are attributed to this run and step.</summary>
    IModelRegistry Registry { get; }

    /// <summary>Drift findings recorded in the store with this run and step.</summary>
    IDriftLog Drift { get; }

    /// <summary>Paired champion/challenger predictions recorded in the store with this run and step.</summary>
    IShadowLog Shadow { get; }

    /// <summary>Live decisions and their explanations, recorded in the store with this run and step.</summary>
    IDecisionLog Decisions { get; }

    /// <summary>Events this step publishes, stored with this run and step.</summary>
    IEventLog Events { get; }

    /// <summary>The store's archive of rare events, written with this run and step.</summary>
    IEventArchive Archive => throw new NotSupportedException("this step context keeps no event archive");

    /// <summary>Shadow decisions recorded in the store, with their outcomes.</summary>
    IShadowHistory ShadowHistory => throw new NotSupportedException("this step context keeps no shadow history");

    /// <summary>
    /// Declares an artifact the step read without it being one of its inputs (one it found in the store), so lineage links
    /// it to what the step makes.
    /// </summary>
    void RecordRead(Artifact artifact) { }

    /// <summary>
    /// Declares that <paramref name="artifact"/>, which this step committed and returns as an output, cannot be loaded
    /// without <paramref name="referenced"/>: a file it names by hash, such as an ensemble's member. Stored with the
    /// step's results, so retention keeps <paramref name="referenced"/> while a version in use is
    /// <paramref name="artifact"/>; a referenced file the step committed itself is given its own row, so a reader finds
    /// it by hash. Unlike <see cref="RecordRead"/> (what an artifact was made from), this is what it needs at load time.
    /// </summary>
    void RecordReference(Artifact artifact, Artifact referenced) { }

    /// <summary>An artifact the store knows, by its SHA-256 (e.g. a model's training data); null when unknown.</summary>
    Artifact? FindArtifact(string sha256);

    /// <summary>Reports progress in [0, 1] for display.</summary>
    void ReportProgress(double fraction, string? message = null);
}
