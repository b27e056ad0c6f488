using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// pipelines/mlnet-forest.yaml run as a user would on a fresh workspace: an ML.NET FastForest exported to ONNX is
/// gated, registered, promoted, explained with TreeSHAP and scores ticks with inference/tick; a second run gates the
/// new forest against the first one, scored on the new holdout rows.
/// </summary>
public sealed class MlNetForestPipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void The_shipped_forest_pipeline_registers_an_ONNX_model_that_the_tick_path_scores_and_explains()
    {
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName, Path.GetFileName(RepositoryPaths.SampleBars)));
        var pipeline = _workspace.Write("pipelines/mlnet-forest.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "mlnet-forest.yaml")));

        var run = CliRun.Invoke("-C", _workspace.Root, "run", pipeline, "--param", "live_ticks=20000");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5)))
        {
            var runId = store.ListRuns(1).Single().RunId;
            var counts = store.Read(c => c.Rows(
                "SELECT count(*), count(DISTINCT trade_id), min(model_version), max(model_version), any_value(model) FROM decisions WHERE run_id = ? AND step_id = 'infer'",
                RowValues.All, runId).Single());
            Assert.Equal([20_000L, 20_000L, 1, 1, "tick-forest"], counts);
            // The forest was read into trees: every 1000th decision has its TreeSHAP top 3.
            Assert.Equal(20L * 3, store.Count("decision_explanations"));
            var champion = new ModelRegistry(store, RegistryActor.Person(), 20).Find("tick-forest", "champion");
            Assert.Equal(1, champion?.Version);
            // Registered as ONNX: a protobuf ModelProto starts with ir_version's tag byte.
            Assert.Equal(0x08, File.ReadAllBytes(Path.Combine(_workspace.StoreRoot, champion!.Model.StorePath))[0]);
        }

        var again = CliRun.Invoke("-C", _workspace.Root, "run", pipeline, "--param", "live_ticks=2000", "--param", "training_ticks=20000", "--force");
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        using var after = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.NotNull(new ModelRegistry(after, RegistryActor.Person(), 20).Find("tick-forest", "2"));
    }
}
