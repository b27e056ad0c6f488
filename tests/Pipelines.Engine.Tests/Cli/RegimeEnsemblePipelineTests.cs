using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// pipelines/regime-ensemble.yaml run as a user would on a fresh workspace: k-means volatility regimes route tick
/// features to a LightGBM or a FastForest member inside one registered ensemble, which is gated against its own
/// champion, explained, reported and scores other ticks with inference/tick; <c>models show</c> names its members,
/// and a second run gates the new ensemble against the first one.
/// </summary>
public sealed class RegimeEnsemblePipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private CliRun Cli(params string[] args) => CliRun.Invoke(["-C", _workspace.Root, .. args]);

    [Fact]
    public void The_shipped_regime_ensemble_is_registered_as_one_version_naming_its_members_and_scores_ticks()
    {
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName, Path.GetFileName(RepositoryPaths.SampleBars)));
        var pipeline = _workspace.Write("pipelines/regime-ensemble.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "regime-ensemble.yaml")));

        var run = Cli("run", pipeline, "--param", "live_ticks=5000");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        string gbdtSha, forestSha;
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5)))
        {
            var runId = store.ListRuns(1).Single().RunId;
            var champion = new ModelRegistry(store, RegistryActor.Person(), 20).Find("regime-ensemble", "champion")!;
            Assert.Equal(1, champion.Version);
            var metrics = TrainingMetrics.Parse(champion.MetricsJson!);
            Assert.Equal("ensemble", metrics.ModelType);
            Assert.Equal(["gbdt", "forest"], metrics.Ensemble!.Members.Select(m => m.Name));
            var outputs = store.OutputArtifacts(runId, "gbdt").ToDictionary(o => o.Output, o => o.Artifact);
            gbdtSha = outputs["model"].Sha256;
            forestSha = store.OutputArtifacts(runId, "forest").Single(o => o.Output == "model").Artifact.Sha256;
            Assert.Equal([gbdtSha, forestSha], metrics.Ensemble.Members.Select(m => m.ModelSha256));

            // The members trained on the features select/features kept, and the ensemble reads those, then the regime model's others.
            var ensembleFeatures = PredictiveModel.Load(store.Artifacts.OpenVerified(champion.Model), ModelLoading.MemberFiles(a => store.Artifacts.OpenVerified(a), store.FindArtifact)).FeatureNames;
            Assert.InRange(ensembleFeatures.Count, 2, 7);

            // Every live tick scored by the ensemble, and every 1000th explained by its routed member's TreeSHAP (every feature, up to ten).
            var counts = store.Read(c => c.Rows(
                "SELECT count(*), count(DISTINCT trade_id), min(model_version), any_value(model) FROM decisions WHERE run_id = ? AND step_id = 'infer'",
                RowValues.All, runId).Single());
            Assert.Equal([5_000L, 5_000L, 1, "regime-ensemble"], counts);
            Assert.Equal(5L * Math.Min(10, ensembleFeatures.Count), store.Count("decision_explanations"));
        }

        var show = Cli("models", "show", "regime-ensemble");
        Assert.True(show.ExitCode == 0, show.Output + show.Error);
        var members = show.Output.Split('\n').Where(l => l.Contains("regime ") || l.Contains("default")).ToList();
        Assert.Contains(members, l => l.Contains("gbdt") && l.Contains(gbdtSha[..12]) && l.Contains("regime 0") && l.Contains("default"));
        Assert.Contains(members, l => l.Contains("forest") && l.Contains(forestSha[..12]) && l.Contains("regime 1"));

        // The second ensemble is gated against the registered first one, scored on the new holdout rows.
        var again = Cli("run", pipeline, "--param", "live_ticks=1000", "--param", "training_ticks=20000", "--force");
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        var decided = Cli("models", "show", "regime-ensemble").Output;
        Assert.Contains("vs champion v1", decided);
    }
}
