using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Steps.Tables;
using Xunit.Abstractions;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// pipelines/order-flow.yaml run as a user would on a fresh workspace: a synthetic book from the bundled bars,
/// book and trade features, a gated model, feature correlations with forward returns, and the champion scoring the
/// book's trades on the tick path.
/// </summary>
public sealed class OrderFlowPipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void The_shipped_order_flow_pipeline_trains_gates_reports_book_features_and_scores_trades_with_the_book()
    {
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName, Path.GetFileName(RepositoryPaths.SampleBars)));
        var pipeline = _workspace.Write("pipelines/order-flow.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "order-flow.yaml")));

        var run = CliRun.Invoke("-C", _workspace.Root, "run", pipeline, "--param", "live_ticks=3000");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal(24, Directory.GetDirectories(Path.Combine(_workspace.Root, "data", "book", "BTCUSDT")).Length);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var runId = store.ListRuns(1).Single().RunId;
        using var connection = ParquetTableWriter.OpenScratch();
        var correlations = store.Artifacts.OpenVerified(store.OutputArtifacts(runId, "correlations").Single(o => o.Output == "table").Artifact);
        var rows = connection.Rows($"SELECT feature, rows, pearson, spearman FROM read_parquet('{correlations}')");
        foreach (var row in rows) output.WriteLine($"{row[0],-26} n={row[1]} pearson={row[2]:F4} spearman={row[3]:F4}");
        Assert.Equal(17, rows.Count);
        var byFeature = rows.ToDictionary(r => (string)r[0]!, r => (double)r[2]!);
        // The synthetic book leans towards the side the mid moves to next, so bid-heavy books precede rises.
        Assert.True(byFeature["book_imbalance_5"] > 0.05, $"book_imbalance_5 correlates {byFeature["book_imbalance_5"]:F4}");
        Assert.True(byFeature["microprice_to_mid"] > 0.0);

        Assert.Equal(1, new ModelRegistry(store, RegistryActor.Person(), 20).Find("order-flow", "champion")?.Version);
        var report = File.ReadAllText(store.Artifacts.OpenVerified(store.OutputArtifacts(runId, "report").Single().Artifact));
        Assert.Contains("book_imbalance_5", report);
        Assert.Contains("bid_depth_within_5bps", report);

        var decisions = store.Read(c => c.Rows(
            "SELECT count(*), count(DISTINCT trade_id) FROM decisions WHERE run_id = ? AND step_id = 'infer' AND model = 'order-flow'", RowValues.All, runId).Single());
        Assert.Equal([3000L, 3000L], decisions);
    }
}
