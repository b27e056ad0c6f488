using System.Globalization;
using System.Text;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// INCREMENTAL retraining as a user runs it: a first pipeline trains and promotes a GBDT, a second continues the
/// champion on newer rows and registers the result, and <c>models show</c> prints each version's lineage chain. Run
/// first on a fresh workspace, the continuing pipeline fails at its train step, saying there is no champion.
/// </summary>
public sealed class ContinuedTrainingPipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public ContinuedTrainingPipelineTests()
    {
        var random = new Random(4);
        var csv = new StringBuilder("t,a,b,noise,up\n");
        for (var t = 0; t < 900; t++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1, noise = random.NextDouble();
            var up = a + 0.5 * b + 0.3 * (random.NextDouble() - 0.5) > 0 ? 1 : 0;
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{t},{a},{b},{noise},{up}\n"));
        }
        _workspace.Write("data/rows.csv", csv.ToString());
    }

    public void Dispose() => _workspace.Dispose();

    private static string Pipeline(string name, string from, string to, string continueFrom) => $$$"""
        name: {{{name}}}
        steps:
          - id: rows
            uses: ingest/csv
            with:
              path: data/rows.csv
          - id: window
            uses: transform/sql
            with:
              tables:
                rows: ${{ steps.rows.outputs.table }}
              sql: SELECT * FROM rows WHERE t >= {{{from}}} AND t < {{{to}}} ORDER BY t
          - id: train
            uses: train/gbdt
            with:
              input: ${{ steps.window.outputs.table }}
              target: up
              objective: binary
              exclude: [t]
        {{{continueFrom}}}
              params: { num_iterations: 10, min_data_in_leaf: 10 }
          - id: register
            uses: registry/register
            with:
              name: updown
              model: ${{ steps.train.outputs.model }}
              metrics: ${{ steps.train.outputs.metrics }}
              training_data: ${{ steps.window.outputs.table }}
          - id: promote
            uses: registry/promote
            with:
              name: updown
              version: ${{ steps.register.outputs.version }}
              reason: newest
        """;

    private const string FromChampion = "      continue_from: updown@champion";

    [Fact]
    public void Continuing_the_champion_on_newer_rows_registers_a_child_and_models_show_prints_the_chain()
    {
        var first = CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("full.yaml", Pipeline("full", "0", "300", "")));
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var incremental = _workspace.Write("incremental.yaml", Pipeline("incremental", "300", "600", FromChampion));
        var second = CliRun.Invoke("-C", _workspace.Root, "run", incremental);
        Assert.True(second.ExitCode == 0, second.Output + second.Error);
        var third = CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("incremental-2.yaml", Pipeline("incremental", "600", "900", FromChampion)));
        Assert.True(third.ExitCode == 0, third.Output + third.Error);

        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5)))
        {
            var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
            Assert.Equal([null, new Pipelines.Abstractions.ModelParent("updown", 1), new Pipelines.Abstractions.ModelParent("updown", 2)],
                registry.Versions("updown").Select(v => v.Parent));
            Assert.Equal(3, registry.Find("updown", "champion")!.Version);
        }
        var show = CliRun.Invoke("-C", _workspace.Root, "models", "show", "updown");
        Assert.True(show.ExitCode == 0, show.Output + show.Error);
        Assert.Contains("v3 ← v2 ← v1", show.Output);
        Assert.Contains("v2 ← v1", show.Output);
    }

    [Fact]
    public void Continuing_from_a_champion_that_does_not_exist_fails_the_train_step_and_registers_nothing()
    {
        var run = CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("incremental.yaml", Pipeline("incremental", "300", "600", FromChampion)));
        Assert.Equal(1, run.ExitCode);
        var line = run.Output.Split('\n').Single(l => l.Contains("to continue from"));
        Assert.Matches(@"✗ train\s+failed", line);
        Assert.Contains("input 'continue_from': there is no registered model 'updown' to continue from ('updown@champion')", line);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Equal(0L, store.Count("model_versions"));
    }
}
