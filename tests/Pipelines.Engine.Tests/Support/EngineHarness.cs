using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Serilog;

namespace Pipelines.Engine.Tests.Support;

/// <summary>A workspace, a store and a runner over the test step types.</summary>
public sealed class EngineHarness : IDisposable
{
    public TestWorkspace Workspace { get; } = new();
    public StepCatalog Catalog { get; } = new StepCatalog()
        .AddAssembly(typeof(EmitStep).Assembly)
        .AddAssembly(typeof(Pipelines.Steps.Registry.RegisterModelStep).Assembly);
    public CollectingSink Logs { get; } = new();
    public Dictionary<string, string> Environment { get; } = new();
    private PipelineStore? _store;

    public PipelineStore Store => _store ??= PipelineStore.Open(Workspace.StoreRoot, TimeSpan.FromSeconds(5));

    /// <summary>A key unique to this test, so static counters of different tests never collide.</summary>
    public string Key(string name) => $"{name}-{Workspace.Root.GetHashCode():x}";

    public CompiledPipeline Compile(string yaml)
    {
        var path = Workspace.Write("pipeline.yaml", yaml);
        var definition = PipelineParser.ParseText(path, yaml);
        return PipelineCompiler.Compile(definition, Catalog, Workspace.Root, null, name => Environment.GetValueOrDefault(name));
    }

    public PipelineRunner Runner() =>
        new(Store, Catalog, new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(Logs).CreateLogger());

    public RunOptions Options(bool force = false, int parallelism = 4) => new()
    {
        Force = force,
        MaxParallelism = parallelism,
        Environment = name => Environment.GetValueOrDefault(name),
    };

    public RunResult Run(string yaml, bool force = false, int parallelism = 4, CancellationToken cancellation = default) =>
        Runner().RunAsync(Compile(yaml), Options(force, parallelism), cancellation).GetAwaiter().GetResult();

    /// <summary>Closes the store so a test can change its database directly; the next use reopens it.</summary>
    public void CloseStore()
    {
        _store?.Dispose();
        _store = null;
    }

    /// <summary>The messages of a run's failed steps, for assertion output.</summary>
    public string Failures(RunResult result) =>
        string.Join("; ", Store.StepRuns(result.RunId).Where(s => s.Status == StepStatus.Failed).Select(s => $"{s.StepId}: {s.Message}"));

    public void Dispose()
    {
        _store?.Dispose();
        Workspace.Dispose();
    }
}
