using System.Diagnostics;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// pipelines/tick-inference.yaml run as a user runs it on a PostgreSQL store: its decisions land in registered segment
/// files, and a stream killed mid-way leaves only whole segments registered.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTickInferenceTests(PostgresServer server)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    internal const string SampleBars = "btcusdt-1m-2023-03-01-to-21.csv";

    [Fact]
    public async Task The_shipped_tick_pipeline_stores_its_decisions_in_segments_and_a_killed_stream_leaves_only_whole_ones()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("tick"));
        // Small segments, so a short stream closes several (the setting belongs under store:, which the workspace writes first).
        File.WriteAllText(Path.Combine(workspace.Root, "ml.yaml"),
            File.ReadAllText(Path.Combine(workspace.Root, "ml.yaml")).Replace("store:\n", "store:\n  decision_segment_rows: 6000\n"));
        var repository = RepositoryRoot();
        Directory.CreateDirectory(Path.Combine(workspace.Root, "samples"));
        File.Copy(Path.Combine(repository, "samples", SampleBars), Path.Combine(workspace.Root, "samples", SampleBars));
        var shipped = File.ReadAllText(Path.Combine(repository, "pipelines", "tick-inference.yaml"));
        workspace.Write("pipelines/tick-inference.yaml", shipped);

        var run = await workspace.RunAsync(Bound, "run", "pipelines/tick-inference.yaml", "--param", "live_ticks=20000", "--param", "training_ticks=8000");
        Assert.True(run.ExitCode == 0, run.All);
        using (var store = workspace.OpenStore())
        {
            var runId = store.ListRuns(1).Single().RunId;
            var segments = DecisionSegmentTests.RegisteredSegments(store);
            Assert.All(segments, s => Assert.Equal((runId, "infer", "tick-flow"), (s.RunId, s.StepId, s.Model)));
            Assert.Equal(20_000, segments.Sum(s => s.Rows));
            Assert.All(segments, s => DecisionSegmentTests.AssertWhole(store, s));
            var decisions = new StoreDecisionLog(store, runId, "infer").ReadStep();
            Assert.Equal(20_000, decisions.Select(d => d.TradeId).Distinct().Count());
            Assert.Equal(20 * 3, store.Count("decision_explanations"));
        }

        // A stream of millions of ticks, killed once a few segments are registered.
        workspace.Write("pipelines/long-tick.yaml", shipped.Replace("      shap_every: 1000", "      shap_every: 1000\n      trades_per_bar: 4000"));
        using var process = PipelinesProcess.Start(workspace.Root, workspace.Environment,
            "run", "pipelines/long-tick.yaml", "--param", "live_ticks=100000000", "--param", "training_ticks=8000");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        List<DecisionSegment> before;
        var waited = Stopwatch.StartNew();
        using (var store = workspace.OpenStore())
        {
            while (true)
            {
                var runs = store.ListRuns(2);
                var second = runs.Count == 2 ? runs[0].RunId : null;
                var registered = DecisionSegmentTests.RegisteredSegments(store).Where(s => s.RunId == second).ToList();
                if (registered.Count >= 3) break;
                if (process.HasExited) Assert.Fail($"the stream ended before it was killed: {await output}{await error}");
                Assert.True(waited.Elapsed < Bound, $"no third segment within {Bound}");
                await Task.Delay(50);
            }
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        await output;
        await error;

        using (var store = workspace.OpenStore())
        {
            var killedRun = store.ListRuns(1).Single().RunId;
            before = DecisionSegmentTests.RegisteredSegments(store).Where(s => s.RunId == killedRun).ToList();
            Assert.True(before.Count >= 3);
            Assert.All(before, s => DecisionSegmentTests.AssertWhole(store, s));
            Assert.All(before, s => Assert.Equal(6_000, s.Rows));
            // Whatever was being written is there only under its temporary name, which nothing registered: every file under
            // a final name is registered (one registered in the instant before the kill may not have been renamed yet).
            var directory = Path.Combine(workspace.ArtifactsDirectory, "decisions", killedRun, "infer");
            var finals = Directory.EnumerateFiles(directory, "*.duckdb").Select(f => Path.GetFileName(f)!).ToHashSet();
            Assert.Subset(before.Select(s => Path.GetFileName(s.StorePath)!).ToHashSet(), finals);
            Assert.True(finals.Count >= before.Count - 1, $"{before.Count} segment(s) registered, {finals.Count} renamed");
            // The registered decisions read back whole: one per trade, as many as the segments say.
            Assert.Equal(before.Sum(s => s.Rows), new StoreDecisionLog(store, killedRun, "infer").ReadStep().Select(d => d.TradeId).Distinct().Count());
        }
    }

    internal static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Pipelines.sln"))) return d.FullName;
        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
