using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>pipelines/tick-inference.yaml run as a user would: train on synthetic tick features, promote, score ticks.</summary>
public sealed class TickInferencePipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void The_shipped_tick_pipeline_trains_promotes_and_stores_every_decision_of_the_champion()
    {
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName, Path.GetFileName(RepositoryPaths.SampleBars)));
        var pipeline = _workspace.Write("pipelines/tick-inference.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "tick-inference.yaml")));

        var run = CliRun.Invoke("-C", _workspace.Root, "run", pipeline, "--param", "live_ticks=20000");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var runId = store.ListRuns(1).Single().RunId;
        var counts = store.Read(c => c.Rows(
            "SELECT count(*), count(DISTINCT trade_id), min(model_version), max(model_version), any_value(model) FROM decisions WHERE run_id = ? AND step_id = 'infer'",
            RowValues.All, runId).Single());
        Assert.Equal([20_000L, 20_000L, 1, 1, "tick-flow"], counts);
        Assert.Equal(20L * 3, store.Count("decision_explanations"));
        var champion = new ModelRegistry(store, RegistryActor.Person(), 20).Find("tick-flow", "champion");
        Assert.Equal(1, champion?.Version);
    }
}
