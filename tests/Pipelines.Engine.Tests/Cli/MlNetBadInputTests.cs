using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// train/mlnet's bad input: an option its trainer does not have, or a trainer that does not exist, is refused
/// before anything runs at the option's file:line:column with the valid names; a k-means asking for more clusters
/// than there are training rows fails naming the step and the value, and registers nothing.
/// </summary>
public sealed class MlNetBadInputTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public MlNetBadInputTests()
    {
        var rows = string.Join("\n", Enumerable.Range(0, 40).Select(i => $"{i},{Math.Sin(i) * 10:F4},{Math.Cos(i):F4}"));
        _workspace.Write("data/points.csv", "t,x,y\n" + rows + "\n");
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun RunPipeline(string text) => CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("p.yaml", text));

    private static string Pipeline(string trainer, string options) => """
        name: regimes
        steps:
          - id: points
            uses: ingest/csv
            with:
              path: data/points.csv
          - id: train
            uses: train/mlnet
            with:
              input: ${{ steps.points.outputs.table }}
              trainer: TRAINER
              features: [x, y]
        OPTIONS
          - id: register
            uses: registry/register
            with:
              name: regimes
              model: ${{ steps.train.outputs.model }}
              metrics: ${{ steps.train.outputs.metrics }}

        """.Replace("TRAINER", trainer).Replace("OPTIONS", options);

    [Fact]
    public void An_option_the_trainer_does_not_have_is_refused_at_its_position_with_the_valid_ones()
    {
        var run = RunPipeline(Pipeline("fast_forest", "      fast_forest:\n        trees: 10\n        depth: 4"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("p.yaml:15:9", run.Error);
        Assert.Contains("unknown input 'depth'; expected one of: trees, leaves, min_rows_per_leaf, feature_fraction, bagging_fraction", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "a rejected pipeline must not create or touch the store");
    }

    [Fact]
    public void An_unknown_trainer_is_refused_naming_the_trainers()
    {
        var run = RunPipeline(Pipeline("xgboost", ""));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("p.yaml:11:16", run.Error);
        Assert.Contains("'xgboost' is not one of: fast_forest, fast_tree, gam, lbfgs_logistic_regression, online_gradient_descent, kmeans", run.Error);
    }

    [Fact]
    public void More_clusters_than_training_rows_fails_the_step_naming_the_value_and_registers_nothing()
    {
        var run = RunPipeline(Pipeline("kmeans", "      kmeans:\n        clusters: 50"));
        Assert.Equal(1, run.ExitCode);
        // The failing step's line names it and the value.
        var line = run.Output.Split('\n').Single(l => l.Contains("clusters is 50"));
        Assert.Matches(@"✗ train\s+failed", line);
        Assert.Contains("input 'kmeans': clusters is 50, more than the 32 training rows", line);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Null(new ModelRegistry(store, RegistryActor.Person(), 20).Find("regimes", "latest"));
        Assert.Equal(0L, store.Count("model_versions"));
    }
}
