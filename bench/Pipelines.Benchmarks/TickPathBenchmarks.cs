using BenchmarkDotNet.Attributes;
using Pipelines.Cli.Bench;
using Pipelines.Engine.Storage;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Inference;
using Serilog.Core;

namespace Pipelines.Benchmarks;

/// <summary>
/// The tick loop end to end on synthetic ticks — features, the compiled 200-tree, 31-leaf, 20-feature model, ADWIN
/// per feature and every decision persisted to a fresh DuckDB store — per tick. Each invocation runs 200,000 ticks
/// through a new loop and store (created outside the measurement), so the figure includes waiting for the writer
/// whenever it falls behind.
/// </summary>
[MemoryDiagnoser]
public class TickPathBenchmarks
{
    private const int Ticks = 200_000;

    private TreeEnsembleModel _model = null!;
    private LoadedModel _loaded = null!;
    private DirectoryInfo _root = null!;
    private PipelineStore _store = null!;
    private TickInferenceLoop _loop = null!;
    private readonly List<IDisposable> _writers = [];

    [GlobalSetup]
    public void Setup()
    {
        _model = HotPathModel.Train().Model;
        _loaded = new LoadedModel("hotpath", 1, _model);
    }

    [IterationSetup]
    public void NewStore()
    {
        _root = Directory.CreateTempSubdirectory("pipelines-tickpath-");
        _store = PipelineStore.Open(Path.Combine(_root.FullName, ".pipelines"), TimeSpan.Zero);
        var log = new StoreDecisionLog(_store, "bench", "tick");
        var decisions = log.OpenDecisions("hotpath", HotPathModel.FeatureNames);
        var explanations = log.OpenExplanations("hotpath");
        _writers.Add(decisions);
        _writers.Add(explanations);
        _loop = new TickInferenceLoop(HotPathModel.Source(3, Ticks), HotPathModel.Features(), _loaded, decisions, explanations,
            new StoreDriftLog(_store, "bench", "tick"), Logger.None, new TickLoopOptions { MaxTicks = Ticks, ShapEvery = 1000 });
    }

    [IterationCleanup]
    public void DropStore()
    {
        foreach (var writer in _writers) writer.Dispose();
        _writers.Clear();
        _store.Dispose();
        _root.Delete(recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Ticks)]
    public long TickLoop() => _loop.Run(CancellationToken.None).Decisions;
}
