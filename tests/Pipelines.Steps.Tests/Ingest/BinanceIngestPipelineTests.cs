using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Steps.Ingest;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tests.Support;
using Serilog;

namespace Pipelines.Steps.Tests.Ingest;

/// <summary>The ingest steps as a pipeline file uses them: bound from YAML, run by the engine, outputs in the store.</summary>
public sealed class BinanceIngestPipelineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipelines-ingest-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_pipeline_ingests_the_sample_and_feeds_the_table_to_sql()
    {
        File.WriteAllText(Path.Combine(_root, "ml.yaml"), "store:\n  path: .pipelines\n  lock_timeout: 2s\n");
        Directory.CreateDirectory(Path.Combine(_root, "samples"));
        File.Copy(RepositoryFiles.SampleKlines, Path.Combine(_root, "samples", "btcusdt.csv"));
        const string yaml = """
            name: ingest-sample
            steps:
              - id: bars
                uses: ingest/binance-klines
                with:
                  path: samples/btcusdt.csv
                  interval: 1m
              - id: daily
                uses: transform/sql
                with:
                  tables:
                    bars: ${{ steps.bars.outputs.table }}
                  sql: SELECT count(*) AS days FROM (SELECT DISTINCT date_trunc('day', open_time) FROM bars)
            """;
        var file = Path.Combine(_root, "pipeline.yaml");
        File.WriteAllText(file, yaml);
        var catalog = new StepCatalog().AddAssembly(typeof(BinanceKlinesStep).Assembly);
        var compiled = PipelineCompiler.Compile(PipelineParser.ParseText(file, yaml), catalog, _root, null, _ => null);
        using var store = PipelineStore.Open(Path.Combine(_root, ".pipelines"), TimeSpan.FromSeconds(5));

        var result = await new PipelineRunner(store, catalog, new LoggerConfiguration().CreateLogger())
            .RunAsync(compiled, new RunOptions { MaxParallelism = 1, Environment = _ => null }, default);

        Assert.True(result.Status == RunStatus.Succeeded, result.Error);
        var outputs = store.OutputArtifacts(result.RunId, "bars");
        var quality = outputs.Single(o => o.Output == "quality").Artifact;
        Assert.Equal("report", quality.Kind);
        var report = DataQualityReport.FromJson(File.ReadAllBytes(store.Artifacts.OpenVerified(quality, _root)));
        Assert.Equal(30_240, report.Rows);
        Assert.Equal(0, report.GapCount);
        var daily = store.OutputArtifacts(result.RunId, "daily").Single(o => o.Output == "table").Artifact;
        using var table = new ParquetProbe(store.Artifacts.OpenVerified(daily, _root));
        Assert.Equal(21L, table.Scalar<long>("SELECT days FROM {t}"));
    }
}
