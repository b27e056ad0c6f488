using System.Text.Json.Nodes;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Steps.Tables;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// The shipped backtest pipeline as a user runs it on a fresh workspace: hourly bars from the bundled minute bars,
/// a next-hours return model with walk-forward folds, its out-of-sample predictions traded with costs, a gate on the
/// trading figures and a report that shows the backtest.
/// </summary>
public sealed class BacktestPipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();
    private readonly string _pipeline;

    public BacktestPipelineTests()
    {
        var samples = Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName;
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(samples, Path.GetFileName(RepositoryPaths.SampleBars)));
        _pipeline = _workspace.Write("pipelines/backtest.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "backtest.yaml")));
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Trades_every_fold_out_of_sample_with_costs_gates_on_the_trading_figures_and_reports_them()
    {
        var run = CliRun.Invoke(["-C", _workspace.Root, "run", _pipeline]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var runId = store.ListRuns(1).Single().RunId;
        JsonNode Json(string step, string output) =>
            JsonNode.Parse(File.ReadAllText(store.Artifacts.OpenVerified(store.OutputArtifacts(runId, step).Single(o => o.Output == output).Artifact)))!;

        // Three walk-forward folds and the holdout, each traded on its own; only rows a model had not seen.
        var backtest = Json("backtest", "metrics");
        var folds = backtest["walk_forward"]!["per_fold"]!.AsArray();
        Assert.Equal(4, folds.Count);
        var stitched = backtest["holdout"]!;
        Assert.Equal(folds.Sum(f => (int)f!["bars"]!), (int)stitched["bars"]!);
        Assert.Equal(folds.Sum(f => (int)f!["trades"]!), (int)stitched["trades"]!);
        Assert.InRange((double)stitched["days"]!, 14, 18);
        Assert.Equal(365.25 * 24, (double)stitched["periods_per_year"]!, 0.5);
        Assert.InRange((double)stitched["sharpe"]!, (double)stitched["sharpe_lower"]!, (double)stitched["sharpe_upper"]!);
        Assert.StartsWith("out of sample only: 4 fold(s) stitched", (string)backtest["sample"]!);

        var gate = Json("gate", "report");
        Assert.True((bool)gate["passed"]!, gate.ToJsonString());

        var html = File.ReadAllText(store.Artifacts.OpenVerified(store.OutputArtifacts(runId, "report").Single().Artifact));
        foreach (var section in new[] { "Backtest, out of sample, after costs", "Per fold", "Equity", "Drawdown", "Returns by period", "Features against forward returns", "Gate" })
            Assert.Contains(section, html);

        using var connection = ParquetTableWriter.OpenScratch();
        var returns = store.Artifacts.OpenVerified(store.OutputArtifacts(runId, "backtest").Single(o => o.Output == "returns").Artifact);
        Assert.Equal((long)(int)stitched["bars"]!, connection.Scalar<long>($"SELECT sum(bars) FROM read_parquet('{returns}')"));
        Assert.InRange(connection.Scalar<long>($"SELECT count(*) FROM read_parquet('{returns}')"), 15, 19);
    }
}
