using System.Text.Json.Nodes;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// pipelines/monitor-performance.yaml and pipelines/maintenance.yaml run as a user would from a fresh clone:
/// the monitor judges the champion's decisions and publishes what it found; maintenance applies ml.yaml's retention.
/// </summary>
public sealed class MonitorAndMaintenancePipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace;

    public MonitorAndMaintenancePipelineTests() : this(null) { }

    private MonitorAndMaintenancePipelineTests(string? mlYaml)
    {
        _workspace = new TestWorkspace(mlYaml);
        var samples = Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName;
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(samples, Path.GetFileName(RepositoryPaths.SampleBars)));
        foreach (var name in new[] { "monitor-performance.yaml", "maintenance.yaml" })
            _workspace.Write("pipelines/" + name, File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", name)));
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun Cli(params string[] args) => CliRun.Invoke(["-C", _workspace.Root, .. args]);

    private string Pipeline(string name) => Path.Combine(_workspace.Root, "pipelines", name);

    [Fact]
    public void The_shipped_monitor_judges_the_champions_decisions_and_publishes_a_flat_performance_checked_event()
    {
        var run = Cli("run", Pipeline("monitor-performance.yaml"), "--param", "live_ticks=5000");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var check = Assert.Single(store.Events(new EventQuery(Type: "performance.checked")));
        Assert.Equal("tick-return", check.Model);
        var payload = JsonNode.Parse(check.PayloadJson)!.AsObject();
        // The last 10 decisions wait for the 10-trade horizon of the model's own label.
        Assert.Equal(5000 - 10, (long)payload["n"]!);
        Assert.Equal(10, (long)payload["pending"]!);
        Assert.Equal("regressor", (string)payload["task"]!);
        Assert.Equal(1, (int)payload["version"]!);
        Assert.All(payload, field => Assert.True(field.Value is null or JsonValue, $"{field.Key} is not a flat value"));
        foreach (var metric in new[] { "mae", "rmse", "win_rate", "win_rate_lower", "win_rate_upper", "directional_bias", "sharpe" })
            Assert.True(payload[metric] is JsonValue, $"{metric} is missing");
        var degraded = store.Events(new EventQuery(Type: "performance.degraded"));
        Assert.Equal((bool)payload["degraded"]!, degraded.Count > 0);
        // What a triggered run can read of the event (${{ trigger.event.NAME }}) is every field the step publishes.
        var catalogued = EventCatalog.Find("performance.checked")!.Fields;
        Assert.All(payload.Select(field => field.Key), key => Assert.Contains(key, catalogued));
    }

    [Fact]
    public void A_threshold_in_ml_yaml_that_the_champion_misses_publishes_performance_degraded()
    {
        using var strict = new MonitorAndMaintenancePipelineTests("""
            monitor:
              min_sharpe: 1.0e12
            """);
        var run = strict.Cli("run", Pipeline("monitor-performance.yaml"), "--param", "live_ticks=3000");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using var store = PipelineStore.Open(strict._workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var degraded = store.Events(new EventQuery(Type: "performance.degraded"));
        var sharpe = JsonNode.Parse(Assert.Single(degraded, e => JsonNode.Parse(e.PayloadJson)!["metric"]!.GetValue<string>() == "sharpe").PayloadJson)!;
        Assert.Equal(1.0e12, (double)sharpe["threshold"]!);
        Assert.Equal(1, (int)sharpe["version"]!);
        Assert.True((double)sharpe["value"]! < 1.0e12);
        Assert.All(JsonNode.Parse(degraded[0].PayloadJson)!.AsObject().Select(field => field.Key),
            key => Assert.Contains(key, EventCatalog.Find("performance.degraded")!.Fields));
    }

    [Fact]
    public void The_shipped_maintenance_runs_on_a_fresh_store_and_its_dry_run_changes_nothing()
    {
        var monitor = Cli("run", Pipeline("monitor-performance.yaml"), "--param", "live_ticks=2000");
        Assert.True(monitor.ExitCode == 0, monitor.Output + monitor.Error);
        var dry = Cli("run", Pipeline("maintenance.yaml"), "--param", "dry_run=true");
        Assert.True(dry.ExitCode == 0, dry.Output + dry.Error);
        var real = Cli("run", Pipeline("maintenance.yaml"));
        Assert.True(real.ExitCode == 0, real.Output + real.Error);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        // Decisions are kept by default (retention.decision_days 0), and nothing here is old enough for the rest.
        Assert.Equal(2000, store.Count("decisions"));
        var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
        Assert.DoesNotContain(registry.Transitions("tick-return"), t => t.Action is "archive" or "purge_shadow" or "purge_decisions");
        Assert.True(store.Artifacts.IsPresent(registry.Find("tick-return", "champion")!.Model));
    }
}
