using System.Globalization;
using System.Text;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// A three-class table stacked by a LightGBM meta-learner through the CLI on a fresh workspace: the engine records the
/// meta-learner's model file the manifest names (a step output, so later steps find it by hash), the registered version loads with three outputs, explain/shap
/// explains it with Kernel SHAP, and <c>models show</c> gives each member's gain in the meta-learner.
/// </summary>
public sealed class StackedEnsemblePipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public StackedEnsemblePipelineTests()
    {
        var random = new Random(5);
        var csv = new StringBuilder("t,a,b,c,level\n");
        for (var t = 0; t < 400; t++)
        {
            var (a, b, c) = (random.NextDouble(), random.NextDouble(), random.NextDouble());
            var score = a + 0.5 * b + 0.3 * random.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"{t},{a:R},{b:R},{c:R},{(score < 0.6 ? "LOW" : score < 1.0 ? "MID" : "HIGH")}\n");
        }
        _workspace.Write("data/rows.csv", csv.ToString());
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun Cli(params string[] args) => CliRun.Invoke(["-C", _workspace.Root, .. args]);

    [Fact]
    public void A_multiclass_ensemble_stacked_by_LightGBM_is_registered_explained_and_shown_with_its_members_gain()
    {
        var pipeline = _workspace.Write("p.yaml", """
            name: stacked-levels
            steps:
              - id: rows
                uses: ingest/csv
                with:
                  path: data/rows.csv
              - id: deep
                uses: train/gbdt
                with:
                  input: ${{ steps.rows.outputs.table }}
                  target: level
                  objective: multiclass
                  features: [a, b, c]
                  folds: 2
                  params: { num_iterations: 10, min_data_in_leaf: 10, num_leaves: 7 }
              - id: shallow
                uses: train/gbdt
                with:
                  input: ${{ steps.rows.outputs.table }}
                  target: level
                  objective: multiclass
                  features: [c, b, a]
                  folds: 2
                  params: { num_iterations: 10, min_data_in_leaf: 10, num_leaves: 3 }
              - id: ensemble
                uses: train/ensemble
                with:
                  kind: stacking
                  meta: gbdt
                  meta_params: { num_iterations: 20 }
                  input: ${{ steps.rows.outputs.table }}
                  target: level
                  members:
                    deep: { model: "${{ steps.deep.outputs.model }}", out_of_sample: "${{ steps.deep.outputs.out_of_sample }}" }
                    shallow: { model: "${{ steps.shallow.outputs.model }}", out_of_sample: "${{ steps.shallow.outputs.out_of_sample }}" }
              - id: register
                uses: registry/register
                with:
                  name: levels
                  model: ${{ steps.ensemble.outputs.model }}
                  metrics: ${{ steps.ensemble.outputs.metrics }}
              - id: promote
                uses: registry/promote
                with:
                  name: levels
                  version: ${{ steps.register.outputs.version }}
              - id: explain
                uses: explain/shap
                with:
                  model: levels
                  alias: ${{ steps.register.outputs.version }}
                  data: ${{ steps.rows.outputs.table }}
                  max_rows: 30

            """);

        var run = Cli("run", pipeline);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5)))
        {
            var champion = new ModelRegistry(store, RegistryActor.Person(), 20).Find("levels", "champion")!;
            var model = PredictiveModel.Load(store.Artifacts.OpenVerified(champion.Model), ModelLoading.MemberFiles(a => store.Artifacts.OpenVerified(a), store.FindArtifact));
            Assert.Equal(3, model.Outputs);
            Assert.Equal(6, model.Ensemble!.MetaTrees!.FeatureCount);
            var metrics = TrainingMetrics.Parse(champion.MetricsJson!);
            Assert.Equal(["HIGH", "LOW", "MID"], metrics.Classes);
            Assert.Equal(EnsembleMetaLearner.Gbdt, metrics.Ensemble!.Meta);
            Assert.Equal("20", metrics.Parameters["meta_params.num_iterations"]);

            var runId = store.ListRuns(1).Single().RunId;
            // The meta-learner's file is one of the step's outputs, so the store finds it by the hash the manifest names.
            var manifest = EnsembleManifest.Parse(File.ReadAllText(store.Artifacts.OpenVerified(champion.Model)), "manifest");
            Assert.Equal(manifest.Meta!.Sha256, store.OutputArtifacts(runId, "ensemble").Single(o => o.Output == "meta_model").Artifact.Sha256);
            var global = store.OutputArtifacts(runId, "explain").Single(o => o.Output == "global").Artifact;
            var explained = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(store.Artifacts.OpenVerified(global)))!;
            Assert.Equal("kernel_shap_exact", (string)explained["kernel_shap"]!["method"]!);
            Assert.Equal(3, explained["expected_values"]!.AsArray().Count);
        }

        var show = Cli("models", "show", "levels");
        Assert.True(show.ExitCode == 0, show.Output + show.Error);
        Assert.Contains(show.Output.Split('\n'), l => l.Contains("deep") && l.Contains("LightGBM meta gain"));
        Assert.Contains(show.Output.Split('\n'), l => l.Contains("shallow") && l.Contains("LightGBM meta gain"));
    }
}
