using System.Security.Cryptography;
using Pipelines.Abstractions;
using Serilog;
using Serilog.Core;

namespace Pipelines.Features.Tests;

/// <summary>A step context over a temporary directory: staged files are hashed and moved into a flat store.</summary>
internal sealed class ScratchStepContext : IStepContext, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("features-tests-").FullName;
    private int _staged;

    public string RunId => "run";
    public string StepId => "step";
    public string WorkspaceRoot => _root;
    public WorkspaceSettings Settings { get; } = new();
    public ILogger Log { get; } = Logger.None;

    public StagedArtifact StageArtifact(string kind, string format) =>
        new(kind, format, Path.Combine(_root, $"staged-{Interlocked.Increment(ref _staged)}.{format}"));

    public Artifact CommitArtifact(StagedArtifact staged)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(staged.Path)));
        var stored = Path.Combine(_root, $"{sha}.{staged.Format}");
        File.Move(staged.Path, stored, overwrite: true);
        return new Artifact(sha, staged.Kind, staged.Format, new FileInfo(stored).Length, stored);
    }

    public string OpenArtifact(Artifact artifact)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(artifact.StorePath)));
        return sha == artifact.Sha256 ? artifact.StorePath : throw new InvalidDataException($"{artifact.StorePath} was altered");
    }

    public void ReportProgress(double fraction, string? message = null) { }

    /// <summary>Stores the result of a query as a Parquet table artifact, as an ingest step would.</summary>
    public Artifact TableOf(string selectSql)
    {
        using var connection = Pipelines.Steps.Tables.ParquetTableWriter.OpenScratch();
        return Pipelines.Steps.Tables.ParquetTableWriter.Write(connection, selectSql, this, "test").Table;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // The steps tested with this context work on tables only; the store-backed services are not wired here.
    public IModelRegistry Registry => throw new InvalidOperationException("this test context has no model registry");
    public IDriftLog Drift => throw new InvalidOperationException("this test context has no drift log");
    public IShadowLog Shadow => throw new InvalidOperationException("this test context has no shadow log");
    public IDecisionLog Decisions => throw new InvalidOperationException("this test context has no decision log");
    public IEventLog Events => throw new InvalidOperationException("this test context has no event log");
    public Artifact? FindArtifact(string sha256) => null;
}
