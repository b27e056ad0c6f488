using BenchmarkDotNet.Attributes;
using Pipelines.Cli.Bench;

namespace Pipelines.Benchmarks;

/// <summary>Engine overhead: plan + execute a generated DAG of no-op steps with runs, steps and lineage in DuckDB.</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    [Params(200)]
    public int Steps { get; set; }

    private int _seed;
    private DirectoryInfo _scratch = null!;

    [GlobalSetup]
    public void CreateScratch() => _scratch = EngineBenchmark.CreateScratch(null);

    [GlobalCleanup]
    public void DeleteScratch() => _scratch.Delete(recursive: true);

    /// <summary>Returns microseconds per step as measured inside; BenchmarkDotNet reports the whole operation.</summary>
    [Benchmark]
    public double PlanAndRunDag() => EngineBenchmark.MeasureEngine(Steps, _seed++, _scratch);
}
