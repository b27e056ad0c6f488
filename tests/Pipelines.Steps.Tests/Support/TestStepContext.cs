using System.Security.Cryptography;
using Pipelines.Abstractions;
using Serilog;

namespace Pipelines.Steps.Tests.Support;

/// <summary>A step context over a temporary directory: staging, a content-addressed store and a workspace.</summary>
public sealed class TestStepContext : IStepContext, IDisposable
{
    private int _staged;

    public TestStepContext()
    {
        WorkspaceRoot = Directory.CreateTempSubdirectory("pipelines-steps-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(WorkspaceRoot, ".staging"));
        Directory.CreateDirectory(System.IO.Path.Combine(WorkspaceRoot, ".store"));
    }

    public string RunId => "run-test";
    public string StepId => "ingest";
    public string WorkspaceRoot { get; }

    /// <summary>The ml.yaml settings the step sees; defaults unless a test sets them.</summary>
    public WorkspaceSettings Settings { get; set; } = new();
    public ILogger Log { get; } = new LoggerConfiguration().CreateLogger();

    public StagedArtifact StageArtifact(string kind, string format) =>
        new(kind, format, System.IO.Path.Combine(WorkspaceRoot, ".staging", $"{Interlocked.Increment(ref _staged)}.{format}"));

    public Artifact CommitArtifact(StagedArtifact staged)
    {
        var sha = Hash(staged.Path);
        var relative = System.IO.Path.Combine(".store", $"{sha}.{staged.Format}");
        File.Move(staged.Path, System.IO.Path.Combine(WorkspaceRoot, relative), overwrite: true);
        return new Artifact(sha, staged.Kind, staged.Format, new FileInfo(System.IO.Path.Combine(WorkspaceRoot, relative)).Length, relative);
    }

    public string OpenArtifact(Artifact artifact)
    {
        var path = System.IO.Path.Combine(WorkspaceRoot, artifact.StorePath);
        if (Hash(path) != artifact.Sha256) throw new InvalidOperationException($"{artifact.StorePath} was altered");
        return path;
    }

    public void ReportProgress(double fraction, string? message = null) { }

    /// <summary>What steps declared an artifact needs at load time, in the order they said it.</summary>
    public List<(Artifact Artifact, Artifact Referenced)> References { get; } = [];

    public void RecordReference(Artifact artifact, Artifact referenced)
    {
        lock (References) References.Add((artifact, referenced));
    }

    /// <summary>Writes a file into the workspace and returns it as a path input.</summary>
    public WorkspacePath WriteFile(string relative, byte[] content)
    {
        var full = System.IO.Path.Combine(WorkspaceRoot, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return PathTo(relative);
    }

    public WorkspacePath WriteFile(string relative, string content) => WriteFile(relative, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Copies a file from elsewhere into the workspace.</summary>
    public WorkspacePath CopyIn(string source, string relative) => WriteFile(relative, File.ReadAllBytes(source));

    public WorkspacePath PathTo(string relative)
    {
        var full = System.IO.Path.Combine(WorkspaceRoot, relative);
        var format = System.IO.Path.GetExtension(full).TrimStart('.');
        return new WorkspacePath(relative, full, new Artifact(Hash(full), "source", format, new FileInfo(full).Length, relative));
    }

    public string FullPath(Artifact artifact) => System.IO.Path.Combine(WorkspaceRoot, artifact.StorePath);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        try { Directory.Delete(WorkspaceRoot, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>A registry for steps that need one (e.g. a <see cref="MemoryModelRegistry"/>); none by default.</summary>
    public IModelRegistry? ModelRegistry { get; set; }

    public IModelRegistry Registry => ModelRegistry ?? throw new InvalidOperationException("this test context has no model registry");

    /// <summary>Where paired shadow predictions go, for steps that record them; none by default.</summary>
    public IShadowLog? ShadowLog { get; set; }

    public IShadowLog Shadow => ShadowLog ?? throw new InvalidOperationException("this test context has no shadow log");

    /// <summary>Where drift findings go; kept in memory for assertions unless a test supplies its own.</summary>
    public RecordingDriftLog DriftLog { get; set; } = new();

    IDriftLog IStepContext.Drift => DriftLog;

    /// <summary>Where published events go; kept in memory for assertions.</summary>
    public RecordingEventLog EventLog { get; } = new();

    IEventLog IStepContext.Events => EventLog;

    public IDecisionLog Decisions => throw new InvalidOperationException("this test context has no decision log");
    /// <summary>A file this context committed, by its hash (as the store finds an ensemble's members); null when there is none.</summary>
    public Artifact? FindArtifact(string sha256)
    {
        var directory = System.IO.Path.Combine(WorkspaceRoot, ".store");
        if (!Directory.Exists(directory)) return null;
        var file = Directory.EnumerateFiles(directory, sha256 + ".*").FirstOrDefault();
        return file is null ? null
            : new Artifact(sha256, "model", System.IO.Path.GetExtension(file).TrimStart('.'), new FileInfo(file).Length, System.IO.Path.Combine(".store", System.IO.Path.GetFileName(file)));
    }
}
