using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Serilog;

namespace Pipelines.Engine.Execution;

/// <summary>
/// What one attempt of one step sees of the engine. Once the attempt is over (finished, timed out or
/// abandoned) the context is closed, so a step that ignored cancellation cannot slip a late file in.
/// </summary>
internal sealed class StepContext(
    string runId,
    string stepId,
    string workspaceRoot,
    WorkspaceSettings settings,
    ArtifactStore artifacts,
    IModelRegistry registry,
    IDriftLog drift,
    IShadowLog shadow,
    IDecisionLog decisions,
    IEventLog events,
    IEventArchive archive,
    IShadowHistory shadowHistory,
    Func<string, Artifact?> findArtifact,
    ILogger log,
    IRunObserver? observer) : IStepContext
{
    private readonly List<Artifact> _committed = [];
    private readonly List<Artifact> _read = [];
    private readonly List<ArtifactReference> _references = [];
    private volatile bool _closed;

    public string RunId { get; } = runId;
    public string StepId { get; } = stepId;
    public string WorkspaceRoot { get; } = workspaceRoot;
    public WorkspaceSettings Settings { get; } = settings;
    public ILogger Log { get; } = log;
    public IModelRegistry Registry { get; } = registry;
    public IDriftLog Drift { get; } = drift;
    public IShadowLog Shadow { get; } = shadow;
    public IDecisionLog Decisions { get; } = decisions;
    public IEventLog Events { get; } = events;
    public IEventArchive Archive { get; } = archive;
    public IShadowHistory ShadowHistory { get; } = shadowHistory;

    public Artifact? FindArtifact(string sha256) => findArtifact(sha256);

    public IReadOnlyList<Artifact> Committed => _committed;

    /// <summary>Artifacts the step declared it read besides its inputs; lineage parents of what it made.</summary>
    public IReadOnlyList<Artifact> Read
    {
        get
        {
            lock (_read) return _read.ToList();
        }
    }

    public void RecordRead(Artifact artifact)
    {
        ThrowIfClosed();
        lock (_read) _read.Add(artifact);
    }

    /// <summary>What the step declared its artifacts need at load time.</summary>
    public IReadOnlyList<ArtifactReference> References
    {
        get
        {
            lock (_references) return _references.ToList();
        }
    }

    public void RecordReference(Artifact artifact, Artifact referenced)
    {
        ThrowIfClosed();
        lock (_committed)
        {
            if (!_committed.Contains(artifact))
                throw new InvalidOperationException($"step '{StepId}' declared that artifact {artifact.Sha256[..Math.Min(12, artifact.Sha256.Length)]} needs another, but did not commit it");
        }
        lock (_references) _references.Add(new ArtifactReference(artifact, referenced));
    }

    public StagedArtifact StageArtifact(string kind, string format)
    {
        ThrowIfClosed();
        return artifacts.Stage(RunId, StepId, kind, format);
    }

    public Artifact CommitArtifact(StagedArtifact staged)
    {
        ThrowIfClosed();
        var artifact = artifacts.Commit(staged);
        lock (_committed) _committed.Add(artifact);
        return artifact;
    }

    public string OpenArtifact(Artifact artifact) => artifacts.OpenVerified(artifact, WorkspaceRoot);

    public void ReportProgress(double fraction, string? message = null) =>
        observer?.StepProgress(StepId, Math.Clamp(fraction, 0, 1), message);

    public void Close() => _closed = true;

    private void ThrowIfClosed()
    {
        if (_closed) throw new OperationCanceledException($"step '{StepId}' attempt is over; its late output is discarded");
    }
}
