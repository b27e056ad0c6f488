using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// pipelines/feature-selection.yaml run as a user would on a fresh workspace: recursive elimination chooses features
/// on walk-forward folds of the training rows, SMOTE over-samples the rare class among those rows, and the model
/// trained on the chosen features is gated and registered.
/// </summary>
public sealed class FeatureSelectionShippedPipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void The_shipped_selection_pipeline_registers_a_model_of_the_chosen_features_only()
    {
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName, Path.GetFileName(RepositoryPaths.SampleBars)));
        var pipeline = _workspace.Write("pipelines/feature-selection.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "feature-selection.yaml")));

        var run = CliRun.Invoke("-C", _workspace.Root, "run", pipeline, "--param", "iterations=30");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var version = new ModelRegistry(store, RegistryActor.Person(), 20).Find("big-move", "1");
        Assert.Equal(1, version?.Version);
        // LightGBM's model text names the features it was trained on: fewer than the nine candidates, and never a marker column.
        var names = File.ReadLines(Path.Combine(_workspace.StoreRoot, version!.Model.StorePath)).First(l => l.StartsWith("feature_names=", StringComparison.Ordinal))["feature_names=".Length..].Split(' ');
        Assert.InRange(names.Length, 2, 8);
        Assert.DoesNotContain("synthetic", names);
        Assert.DoesNotContain("source_row", names);
    }
}
