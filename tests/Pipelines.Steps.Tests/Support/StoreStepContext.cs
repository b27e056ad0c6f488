using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Steps.Tables;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Pipelines.Steps.Tests.Support;

/// <summary>A step context over a real store in a temporary workspace: artifacts, registry, drift and decision logs.</summary>
public sealed class StoreStepContext : IStepContext, IDisposable
{
    private readonly List<LogEvent> _events = [];
    private int _trainers;

    public StoreStepContext(string runId = "run-test", string stepId = "infer")
    {
        RunId = runId;
        StepId = stepId;
        WorkspaceRoot = Directory.CreateTempSubdirectory("pipelines-store-steps-").FullName;
        Store = PipelineStore.Open(System.IO.Path.Combine(WorkspaceRoot, ".pipelines"), TimeSpan.FromSeconds(5));
        Registry = new ModelRegistry(Store, RegistryActor.Step(runId, stepId, null), 20);
        Drift = new StoreDriftLog(Store, runId, stepId);
        Decisions = new StoreDecisionLog(Store, runId, stepId);
        Events = new StoreEventLog(Store, "test", runId, stepId);
        Archive = new StoreEventArchive(Store, runId, stepId);
        Log = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new Collector(_events)).CreateLogger();
    }

    public PipelineStore Store { get; }
    public string RunId { get; }
    public string StepId { get; }
    public string WorkspaceRoot { get; }
    public ILogger Log { get; }
    public IModelRegistry Registry { get; }
    public IDriftLog Drift { get; }
    public IDecisionLog Decisions { get; }
    public IEventLog Events { get; }
    public IEventArchive Archive { get; }
    public IShadowHistory ShadowHistory => new StoreShadowHistory(Store);
    public WorkspaceSettings Settings { get; set; } = new();
    public IShadowLog Shadow => throw new InvalidOperationException("this test context has no shadow log");

    /// <summary>Rendered log messages so far.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_events) return _events.Select(e => e.RenderMessage()).ToArray();
        }
    }

    public StagedArtifact StageArtifact(string kind, string format) => Store.Artifacts.Stage(RunId, StepId, kind, format);

    public Artifact CommitArtifact(StagedArtifact staged) => Store.Artifacts.Commit(staged);

    public string OpenArtifact(Artifact artifact) => Store.Artifacts.OpenVerified(artifact, WorkspaceRoot);

    public Artifact? FindArtifact(string sha256) => Store.FindArtifact(sha256);

    public void ReportProgress(double fraction, string? message = null) { }

    /// <summary>Stores a file as a model artifact and registers it; returns the new version.</summary>
    public ModelVersion RegisterModel(string name, string modelText) => RegisterModel(name, System.Text.Encoding.UTF8.GetBytes(modelText), "txt");

    /// <summary>Stores model bytes (e.g. an ONNX file) as a model artifact and registers them; returns the new version.</summary>
    public ModelVersion RegisterModel(string name, byte[] modelBytes, string format)
    {
        var staged = StageArtifact("model", format);
        File.WriteAllBytes(staged.Path, modelBytes);
        var model = CommitArtifact(staged);
        // The registry refers to artifacts the store knows, which a finished step records.
        var now = DateTime.UtcNow;
        var trainer = "train-" + Interlocked.Increment(ref _trainers);
        Store.CompleteStepRun(new StepRunRecord(RunId, trainer, "test/model", 1, StepStatus.Succeeded, null, null, 1, now, now, 0, null, null, null),
            [("model", model)], []);
        return Registry.Register(name, model, null, null, "test");
    }

    /// <summary>Records a finished step with these output artifacts, as the engine does when a step returns, so the store knows them.</summary>
    public void RecordOutputs(string stepId, IEnumerable<Artifact> outputs)
    {
        var now = DateTime.UtcNow;
        Store.CompleteStepRun(new StepRunRecord(RunId, stepId, "test/step", 1, StepStatus.Succeeded, null, null, 1, now, now, 0, null, null, null),
            outputs.Select((artifact, i) => ($"output{i}", artifact)).ToList(), []);
    }

    /// <summary>Rows of a query on the store's connection.</summary>
    public IReadOnlyList<object?[]> Query(string sql) => Store.Read(c => ((DuckDB.NET.Data.DuckDBConnection)c).Rows(sql));

    public void Dispose()
    {
        Store.Dispose();
        try { Directory.Delete(WorkspaceRoot, recursive: true); }
        catch (IOException) { }
    }

    private sealed class Collector(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (events) events.Add(logEvent);
        }
    }
}
