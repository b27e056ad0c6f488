using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// An ONNX network made elsewhere through the whole lifecycle, as a user runs it on a fresh workspace: registry/import
/// checks and evaluates it on labelled tick features, validate/gate judges it, registry/register and registry/promote
/// make it champion, explain/shap explains it with Kernel SHAP, drift/check compares its features and predictions, and
/// inference/tick scores live ticks with it through ONNX Runtime; a second network is gated against it (beats: champion)
/// and replayed beside it by shadow/compare. A network whose input contradicts its declaration registers nothing.
/// </summary>
public sealed class ImportedModelPipelineTests : IDisposable
{
    private static readonly string[] Features = ["ret_1", "std_30", "trade_flow_imbalance_20"];
    private readonly TestWorkspace _workspace = new();

    public ImportedModelPipelineTests()
    {
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName, Path.GetFileName(RepositoryPaths.SampleBars)));
        Directory.CreateDirectory(Path.Combine(_workspace.Root, "models"));
        File.WriteAllBytes(Path.Combine(_workspace.Root, "models", "forecaster-1.onnx"), OnnxNetworks.Write(OnnxNetworks.Random([3, 8, 1], "Sigmoid", seed: 1)));
        File.WriteAllBytes(Path.Combine(_workspace.Root, "models", "forecaster-2.onnx"), OnnxNetworks.Write(OnnxNetworks.Random([3, 16, 1], "Sigmoid", seed: 2)));
        File.WriteAllBytes(Path.Combine(_workspace.Root, "models", "two-inputs.onnx"), OnnxNetworks.Write(OnnxNetworks.Random([2, 4, 1], "Sigmoid", seed: 3)));
    }

    public void Dispose() => _workspace.Dispose();

    private string Pipeline(string file, string lifecycle) => $$$"""
        name: imported
        params:
          source: samples/{{{Path.GetFileName(RepositoryPaths.SampleBars)}}}
        steps:
          - id: ticks
            uses: inference/synthetic-ticks
            with:
              path: ${{ params.source }}
              ticks: 8000
              seed: 1
          - id: features
            uses: featurize/market
            with:
              input: ${{ steps.ticks.outputs.table }}
              time_column: trade_id
              features: [ret_1, std_30, trade_flow_imbalance_20]
          - id: labelled
            uses: transform/sql
            with:
              tables:
                ticks: ${{ steps.features.outputs.table }}
              sql: |
                SELECT trade_id, ret_1, std_30, trade_flow_imbalance_20,
                       CASE WHEN lead(price, 10) OVER (ORDER BY trade_id) > price THEN 1 ELSE 0 END AS up
                FROM ticks
                QUALIFY lead(price, 10) OVER (ORDER BY trade_id) IS NOT NULL AND std_30 IS NOT NULL
                ORDER BY trade_id
          - id: import
            uses: registry/import
            with:
              path: models/{{{file}}}
              features: [ret_1, std_30, trade_flow_imbalance_20]
              output: probabilities
              classes: [down, up]
              evaluate: ${{ steps.labelled.outputs.table }}
              target: up
          - id: gate
            uses: validate/gate
            with:
              metrics: ${{ steps.import.outputs.metrics }}
              require:
                - metric: logloss
                  max: 5.0
                - metric: logloss
                  beats: champion
                  model: forecaster
                  margin: -1.0
              holdout: ${{ steps.import.outputs.holdout }}
              data: ${{ steps.labelled.outputs.table }}
          - id: register
            uses: registry/register
            with:
              name: forecaster
              model: ${{ steps.import.outputs.model }}
              metrics: ${{ steps.import.outputs.metrics }}
              training_data: ${{ steps.labelled.outputs.table }}
        {{{lifecycle}}}
        """;

    private const string FirstVersion = """
          - id: promote
            uses: registry/promote
            if: ${{ steps.gate.outputs.passed }}
            with:
              name: forecaster
              version: ${{ steps.register.outputs.version }}
              reason: passed the validation gate
          - id: explain
            uses: explain/shap
            needs: [promote]
            with:
              model: forecaster
              data: ${{ steps.labelled.outputs.table }}
              max_rows: 40
              coalitions: 64
          - id: drift
            uses: drift/check
            needs: [promote]
            with:
              current: ${{ steps.labelled.outputs.table }}
              model: forecaster
          - id: infer
            uses: inference/tick
            needs: [promote]
            with:
              model: forecaster
              features: [ret_1, std_30, trade_flow_imbalance_20]
              source: synthetic
              files: ['${{ params.source }}']
              seed: 2
              max_ticks: 3000
        """;

    private const string SecondVersion = """
          - id: shadow
            uses: shadow/compare
            with:
              model: forecaster
              challenger: ${{ steps.register.outputs.version }}
              data: ${{ steps.labelled.outputs.table }}
              target: up
        """;

    [Fact]
    public void An_imported_network_is_gated_registered_promoted_explained_checked_for_drift_scored_on_ticks_and_shadowed()
    {
        var first = CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("first.yaml", Pipeline("forecaster-1.onnx", FirstVersion)));
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var second = CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("second.yaml", Pipeline("forecaster-2.onnx", SecondVersion)));
        Assert.True(second.ExitCode == 0, second.Output + second.Error);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
        Assert.Equal(1, registry.Find("forecaster", "champion")!.Version);
        Assert.NotNull(registry.Find("forecaster", "2"));
        var runs = store.ListRuns(2);
        var firstRun = runs.Single(r => r.PipelineFile.EndsWith("first.yaml", StringComparison.Ordinal)).RunId;
        var secondRun = runs.Single(r => r.PipelineFile.EndsWith("second.yaml", StringComparison.Ordinal)).RunId;
        // Every live tick scored by ONNX Runtime with version 1.
        Assert.Equal([3000L, 1], store.Read(c => c.Rows("SELECT count(*), min(model_version) FROM decisions WHERE run_id = ? AND step_id = 'infer'", RowValues.All, firstRun).Single()));
        // Explained (Kernel SHAP), checked for drift and scored on ticks after its promotion; the second version replayed beside it.
        string Status(string run, string step) => store.Read(c => c.Scalar<string>("SELECT status FROM step_runs WHERE run_id = ? AND step_id = ?", run, step));
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded"], new[] { "promote", "explain", "drift", "infer" }.Select(s => Status(firstRun, s)));
        Assert.Equal("succeeded", Status(secondRun, "shadow"));
        Assert.True(store.Read(c => c.Scalar<long>("SELECT count(*) FROM shadow_predictions WHERE run_id = ?", secondRun)) > 100);
    }

    [Fact]
    public void A_network_whose_input_contradicts_the_declared_features_fails_the_import_and_registers_nothing()
    {
        var run = CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("bad.yaml", Pipeline("two-inputs.onnx", "")));
        Assert.Equal(1, run.ExitCode);
        var line = run.Output.Split('\n').Single(l => l.Contains("columns; features lists"));
        Assert.Matches(@"✗ import\s+failed", line);
        Assert.Contains("input 'features': the graph input 'obs' has 2 columns; features lists 3: ret_1, std_30, trade_flow_imbalance_20", line);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Equal(0L, store.Count("model_versions"));
    }
}
