using System.Text.RegularExpressions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// The shipped pipelines run as a user runs them, with <c>store.kind: postgres</c>: the run's records land in PostgreSQL,
/// its artifacts in the shared directory, and <c>runs</c>, <c>show</c> and <c>models show</c> read them back from there.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class PostgresPipelineRunTests(PostgresServer server)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private const string SampleBars = "btcusdt-1m-2023-03-01-to-21.csv";

    [Fact]
    public async Task The_sample_pipelines_run_against_PostgreSQL_and_the_inspection_commands_read_them_back()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("e2e"));
        var repository = RepositoryRoot();
        Directory.CreateDirectory(Path.Combine(workspace.Root, "samples"));
        File.Copy(Path.Combine(repository, "samples", SampleBars), Path.Combine(workspace.Root, "samples", SampleBars));
        foreach (var pipeline in new[] { "btcusdt-bars.yaml", "toxicity.yaml" })
            workspace.Write($"pipelines/{pipeline}", File.ReadAllText(Path.Combine(repository, "pipelines", pipeline)));

        var bars = await workspace.RunAsync(Bound, "run", "pipelines/btcusdt-bars.yaml");
        Assert.True(bars.ExitCode == 0, bars.All);
        Assert.Contains("4 succeeded", bars.Output);
        var again = await workspace.RunAsync(Bound, "run", "pipelines/btcusdt-bars.yaml");
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("4 cached", again.Output);

        var toxicity = await workspace.RunAsync(Bound, "run", "pipelines/toxicity.yaml", "--param", "iterations=30", "--param", "tune_trials=2");
        Assert.True(toxicity.ExitCode == 0, toxicity.All);

        var runs = await workspace.RunAsync(Bound, "runs");
        Assert.True(runs.ExitCode == 0, runs.All);
        var ids = RunId().Matches(runs.Output).Select(m => m.Value).Distinct().ToList();
        Assert.Equal(3, ids.Count);

        string barsRun;
        using (var store = workspace.OpenStore())
        {
            barsRun = store.ListRuns(10, "btcusdt-bars").Last().RunId;
            var steps = store.StepRuns(barsRun);
            Assert.Equal(4, steps.Count);
            Assert.All(steps, s => Assert.Equal((StepStatus.Succeeded, 1), (s.Status, s.Attempts)));
            Assert.All(steps, s => Assert.Matches(@"^.+:\d+$", s.Node));
            // Every artifact row has its file in the shared directory, intact, and none was kept under the local store.
            Assert.All(store.AllArtifacts().Where(a => a.Kind != "source"), a => store.Artifacts.OpenVerified(a));
            Assert.StartsWith(workspace.ArtifactsDirectory, store.Artifacts.FullPath(store.AllArtifacts().First(a => a.Kind != "source")));
            Assert.False(Directory.Exists(Path.Combine(workspace.StoreRoot, "artifacts")));
            var champion = new ModelRegistry(store, RegistryActor.Person(), 20).Find("toxicity", ModelRegistry.Champion);
            Assert.NotNull(champion);
            // Lineage reaches from the model back to the bundled data.
            Assert.Contains(store.Lineage(champion.Model.Sha256, upstream: true),
                e => store.FindArtifacts(e.ParentSha256).Single().Artifact.StorePath.EndsWith(SampleBars, StringComparison.Ordinal));
        }

        var show = await workspace.RunAsync(Bound, "show", barsRun);
        Assert.True(show.ExitCode == 0, show.All);
        Assert.Contains("minute-bars", show.Output);
        Assert.Contains("node", show.Output);
        Assert.Contains($"{Environment.MachineName}:", show.Output);
        var model = await workspace.RunAsync(Bound, "models", "show", "toxicity");
        Assert.True(model.ExitCode == 0, model.All);
        Assert.Contains("champion", model.Output);
    }

    [GeneratedRegex(@"\b\d{8}-\d{6}-[0-9a-f]{6}\b")]
    private static partial Regex RunId();

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Pipelines.sln"))) return d.FullName;
        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
