using System.Text.Json;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

public sealed class BenchServiceTests
{
    private static readonly string[] Latencies = ["schedule", "event_nudged", "event_polled"];

    [Fact]
    public async Task Bench_service_measures_every_fire_and_event_it_was_asked_for_and_counts_the_backlog_it_dispatched()
    {
        var run = await CliRun.InvokeAsync("bench", "service", "--fires", "3", "--events", "3", "--backlog", "500", "--idle-seconds", "1", "--json");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        using var document = JsonDocument.Parse(run.Output);
        var root = document.RootElement;
        Assert.Equal(3, root.GetProperty("schedule_fires").GetInt32());
        Assert.Equal(3, root.GetProperty("event_nudged_count").GetInt32());
        Assert.Equal(3, root.GetProperty("event_polled_count").GetInt32());
        foreach (var latency in Latencies)
        {
            double Figure(string name) => root.GetProperty($"{latency}_{name}_ms").GetDouble();
            Assert.True(Figure("min") >= 0, $"{latency}: a first step started before its trigger in {run.Output}");
            Assert.True(Figure("min") <= Figure("p50") && Figure("p50") <= Figure("p99") && Figure("p99") <= Figure("max"), $"{latency}: percentiles out of order in {run.Output}");
        }

        // Every 100th of the 500 events matches; each match is one firing (started, or skipped by concurrency: forbid).
        Assert.Equal(500, root.GetProperty("backlog").GetInt32());
        Assert.Equal(5, root.GetProperty("backlog_matching").GetInt32());
        Assert.Equal(5, root.GetProperty("dispatch_firings").GetInt32());
        // The pass also reads what its own firings published meanwhile (run and skip events), never less than the backlog.
        Assert.InRange(root.GetProperty("events_examined").GetInt64(), 500, 500 + 5 * 10);
        Assert.True(root.GetProperty("events_examined_per_s").GetDouble() > 0);

        Assert.Equal(1, root.GetProperty("idle_seconds").GetDouble());
        Assert.True(root.GetProperty("idle_cpu_percent_of_one_core").GetDouble() >= 0);
        Assert.True(root.GetProperty("idle_working_set_mb").GetDouble() > 0);
        Assert.True(root.GetProperty("idle_gc_heap_mb").GetDouble() > 0);
        var workspacePipelines = Directory.EnumerateFiles(Path.Combine(Workspace.Discover(Directory.GetCurrentDirectory()).Root, "pipelines"))
            .Count(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(workspacePipelines, root.GetProperty("idle_pipelines").GetInt32());
        Assert.InRange(root.GetProperty("idle_scheduled_pipelines").GetInt32(), 0, workspacePipelines);
    }

    [Fact]
    public async Task Bench_service_refuses_a_non_positive_fire_count()
    {
        var run = await CliRun.InvokeAsync("bench", "service", "--fires", "0");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--fires", run.Error + run.Output);
    }
}
