using System.Text.Json.Nodes;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// The shipped rare-events pipeline on a fresh workspace and the bundled March 2023 bars: the banking-stress days are
/// archived once, however often the pipeline runs, and the retrained model's lineage leads back to the archived rows.
/// </summary>
public sealed class RareEventsPipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();
    private readonly string _pipeline;

    public RareEventsPipelineTests()
    {
        var samples = Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName;
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(samples, Path.GetFileName(RepositoryPaths.SampleBars)));
        _pipeline = _workspace.Write("pipelines/rare-events.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "rare-events.yaml")));
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun Cli(params string[] args) => CliRun.Invoke(["-C", _workspace.Root, .. args]);

    private static JsonNode Outputs(PipelineStore store, string runId, string step) =>
        JsonNode.Parse(store.StepRuns(runId).Single(s => s.StepId == step).OutputsJson!)!;

    [Fact]
    public void The_banking_stress_is_archived_once_and_the_retrained_model_learns_from_it()
    {
        var first = Cli("run", _pipeline, "--param", "iterations=30");
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var second = Cli("run", _pipeline, "--param", "iterations=30");
        Assert.True(second.ExitCode == 0, second.Output + second.Error);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var runs = store.ListRuns(2).OrderBy(r => r.StartedAt).Select(r => r.RunId).ToList();

        // One event: 10 to 13 March 2023, every minute of those four days.
        var archived = Assert.Single(new StoreEventArchive(store, "", "").Events("btcusdt-stress"));
        Assert.Equal("btcusdt-stress-2023-03-10", archived.Name);
        Assert.Equal(new DateTime(2023, 3, 10, 0, 0, 0, DateTimeKind.Utc), archived.WindowStart);
        Assert.Equal(new DateTime(2023, 3, 14, 0, 0, 0, DateTimeKind.Utc), archived.WindowEnd);
        Assert.Equal(4 * 1440, archived.Rows);
        var criteria = JsonNode.Parse(archived.CriteriaJson)!;
        Assert.True((double)criteria["drift"]!["score"]! > 0.25);
        Assert.Equal(4, criteria["volatility"]!["value_by_day"]!.AsObject().Count);

        // Published once, by the first run; the second run saw the same window and refused it.
        var published = Assert.Single(store.Events(new EventQuery(Type: "archive.captured")));
        Assert.Equal(runs[0], published.RunId);
        var payload = JsonNode.Parse(published.PayloadJson)!;
        Assert.Equal("2023-03-10T00:00:00Z", (string)payload["window_start"]!);
        Assert.Equal("2023-03-14T00:00:00Z", (string)payload["window_end"]!);
        Assert.True((bool)Outputs(store, runs[0], "capture")["Captured"]!);
        var again = Outputs(store, runs[1], "capture");
        Assert.False((bool)again["Captured"]!);
        Assert.Contains("overlaps archived event btcusdt-stress-2023-03-10", (string)again["Refused"]![0]!);

        // The retrained model was made from the archived rows, and says so in its metrics and outputs.
        var model = store.OutputArtifacts(runs[1], "retrain").Single(o => o.Output == "model").Artifact;
        Assert.Contains(store.Lineage(model.Sha256, upstream: true), e => e.ParentSha256 == archived.RowsSha256 && e.StepId == "retrain");
        var retrain = Outputs(store, runs[1], "retrain");
        Assert.Equal("btcusdt-stress-2023-03-10", (string)retrain["ArchiveEvents"]![0]!);
        Assert.True((int)retrain["ArchiveRows"]! > 0);

        // The gate judged every regime of the holdout, one reason each, and the run report shows them.
        var reasons = Outputs(store, runs[1], "gate")["Reasons"]!.AsArray().Select(r => (string)r!).ToList();
        Assert.Contains(reasons, r => r.StartsWith("accuracy [regime_next = HIGH]", StringComparison.Ordinal));
        var report = File.ReadAllText(store.Artifacts.OpenVerified(store.OutputArtifacts(runs[0], "report").Single().Artifact));
        Assert.Contains("accuracy [regime_next = HIGH]", report);
    }

    [Fact]
    public void Capture_criteria_naming_a_column_the_rows_lack_fail_the_step_naming_it_and_archive_nothing()
    {
        var misspelt = _workspace.Write("pipelines/misspelt.yaml", File.ReadAllText(_pipeline).Replace("column: regime_next", "column: regime_nxt"));

        var run = Cli("run", misspelt, "--param", "iterations=10");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Matches(@"misspelt\.yaml:\d+:\d+: input 'regime\.column': column 'regime_nxt' is not in the data", run.Output + run.Error);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Equal(0, store.Count("archive_events"));
        Assert.Empty(store.Events(new EventQuery(Type: "archive.captured")));
    }
}
