using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// select/features' list feeds train/gbdt's features: input by reference, checked before anything runs (a misspelt
/// output or a list bound to a text input is refused at its file:line:column) and used as given at run time; an
/// augmentation's impossible block length is refused where it is written.
/// </summary>
public sealed class FeatureSelectionPipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public FeatureSelectionPipelineTests()
    {
        var random = new Random(2);
        var rows = string.Join("\n", Enumerable.Range(0, 300).Select(i =>
        {
            var a = random.NextDouble() * 2 - 1;
            var b = random.NextDouble() * 2 - 1;
            var noise = random.NextDouble();
            return FormattableString.Invariant($"{i},{a:F6},{b:F6},{noise:F6},{3 * a - 2 * b + noise * 0.1:F6},{(i == 5 ? 1 : 0)}");
        }));
        _workspace.Write("data/rows.csv", "t,a,b,noise,y,rare\n" + rows + "\n");
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun RunPipeline(string text) => CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("p.yaml", text));

    private static string Pipeline(string featuresReference, string augment = "") => """
        name: selection
        steps:
          - id: rows
            uses: ingest/csv
            with:
              path: data/rows.csv
          - id: select
            uses: select/features
            with:
              input: ${{ steps.rows.outputs.table }}
              target: y
              objective: regression
              exclude: [t, rare]
              method: gain
              keep: 2
              params: { num_iterations: 15, min_data_in_leaf: 10 }
          - id: train
            uses: train/gbdt
            with:
              input: ${{ steps.rows.outputs.table }}
              target: y
              objective: regression
              features: REFERENCE
              params: { num_iterations: 15, min_data_in_leaf: 10 }
        AUGMENT
        """.Replace("REFERENCE", featuresReference).Replace("AUGMENT", augment);

    [Fact]
    public void The_selected_features_train_the_model()
    {
        var run = RunPipeline(Pipeline("${{ steps.select.outputs.features }}"));
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var runId = store.ListRuns(1).Single().RunId;
        Assert.Equal(StepStatus.Succeeded, store.StepRuns(runId).Single(s => s.StepId == "train").Status);
        Assert.Matches(@"✓ select", run.Output);
        Assert.Matches(@"✓ train", run.Output);
    }

    [Fact]
    public void A_misspelt_output_is_refused_at_its_position_with_the_outputs()
    {
        var run = RunPipeline(Pipeline("${{ steps.select.outputs.feature }}"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("p.yaml:23:21", run.Error);
        Assert.Contains("has no output 'feature'", run.Error);
        Assert.Contains("features, scores, rounds, score, metric", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "a rejected pipeline must not create or touch the store");
    }

    [Fact]
    public void A_list_output_bound_to_a_text_input_is_refused_before_anything_runs()
    {
        var run = RunPipeline(Pipeline("${{ steps.select.outputs.features }}").Replace("target: y\n      objective: regression\n      features", "target: ${{ steps.select.outputs.features }}\n      objective: regression\n      features"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("p.yaml:21:15", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot));
    }

    [Fact]
    public void SMOTE_on_a_class_of_one_row_fails_the_step_naming_the_class_and_registers_nothing()
    {
        var run = RunPipeline(Pipeline("${{ steps.select.outputs.features }}", """
              - id: smote
                uses: augment/smote
                with:
                  input: ${{ steps.rows.outputs.table }}
                  target: rare
                  exclude: [t, y]
              - id: register
                uses: registry/register
                with:
                  name: rare
                  model: ${{ steps.train.outputs.model }}
                  metrics: ${{ steps.train.outputs.metrics }}
                  training_data: ${{ steps.smote.outputs.table }}
            """));
        Assert.Equal(1, run.ExitCode);
        var line = run.Output.Split('\n').Single(l => l.Contains("has 1 training row"));
        Assert.Matches(@"✗ smote\s+failed", line);
        Assert.Contains("input 'target': class '1' has 1 training row", line);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Equal(0L, store.Count("model_versions"));
    }

    [Fact]
    public void A_block_length_of_zero_is_refused_where_it_is_written()
    {
        var run = RunPipeline(Pipeline("${{ steps.select.outputs.features }}", """
              - id: boot
                uses: augment/block-bootstrap
                with:
                  input: ${{ steps.rows.outputs.table }}
                  target: y
                  block_length: 0
            """));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("p.yaml:30:21", run.Error);
        Assert.Contains("input 'block_length': must be at least 1 row, got 0", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot));
    }
}
