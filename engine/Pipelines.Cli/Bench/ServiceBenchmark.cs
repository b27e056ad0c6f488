using System.Diagnostics;
using System.Threading.Channels;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Events;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Storage;
using Pipelines.Service;

namespace Pipelines.Cli.Bench;

/// <summary>
/// Measures the service in this process: a real <see cref="ServiceHost"/> (Kestrel on a loopback port, Quartz, the
/// event and run dispatchers) on a fresh store in a temporary workspace, running a one-step no-op pipeline.
/// <list type="bullet">
/// <item>Trigger-to-first-step latency of a schedule fire: the first step's <c>started_at</c> minus the fire's scheduled
/// time (the firings table), for a pipeline whose cron fires every second.</item>
/// <item>Trigger-to-first-step latency of an event: the first step's <c>started_at</c> minus the event's stored time, one
/// event at a time, once nudging the dispatcher as a publisher in the service's process does, once leaving it to the poll.</item>
/// <item>Dispatch throughput: one <see cref="Service.Scheduling.EventDispatcher.DispatchPending"/> pass over a backlog;
/// every event after the cursor is read, its payload parsed and matched against every subscription.</item>
/// <item>Idle cost: process CPU time and memory of a service on the workspace's own pipelines with nothing due.</item>
/// </list>
/// All times are the store's (<c>DateTime.UtcNow</c>, microseconds), so they compare directly.
/// </summary>
public static class ServiceBenchmark
{
    public sealed record Latency(int Count, double P50Ms, double P99Ms, double MaxMs, double MinMs);

    public sealed record Result(
        Latency Schedule, Latency EventNudged, Latency EventPolled,
        int Backlog, int BacklogMatching, long EventsExamined, int Firings, double DispatchSeconds, double EventsExaminedPerSecond,
        double IdleSeconds, double IdleCpuPercentOfOneCore, double WorkingSetMb, double GcHeapMb, int IdlePipelines, int IdleScheduled);

    /// <summary>Every how many backlog events one matches the subscription (1 %).</summary>
    public const int MatchEvery = 100;

    private const string ScheduledPipeline = "bench-schedule";
    private const string SubscribedPipeline = "bench-event";

    public static async Task<Result> RunAsync(int fires, int events, int backlog, TimeSpan idle, string idleWorkspace, StepCatalog catalog,
        string? directory = null)
    {
        var scratch = EngineBenchmark.CreateScratch(directory);
        try
        {
            // Idle first, so the figures are the service's and not what the other phases left in the heap.
            var idleFigures = await MeasureIdleAsync(idleWorkspace, scratch.CreateSubdirectory("idle").FullName, catalog, idle);
            var schedule = await MeasureScheduleAsync(fires, scratch.CreateSubdirectory("schedule").FullName);
            var nudged = await MeasureEventsAsync(events, nudge: true, scratch.CreateSubdirectory("events-nudged").FullName);
            var polled = await MeasureEventsAsync(events, nudge: false, scratch.CreateSubdirectory("events-polled").FullName);
            var dispatch = await MeasureDispatchAsync(backlog, scratch.CreateSubdirectory("dispatch").FullName);
            return new Result(schedule, nudged, polled, backlog, dispatch.Matching, dispatch.Examined, dispatch.Firings, dispatch.Seconds,
                dispatch.Examined / dispatch.Seconds, idle.TotalSeconds, idleFigures.CpuPercent, idleFigures.WorkingSetMb, idleFigures.GcHeapMb,
                idleFigures.Pipelines, idleFigures.Scheduled);
        }
        finally
        {
            try { scratch.Delete(recursive: true); }
            catch (IOException) { } // DuckDB may release its files a moment after the store closes
        }
    }

    private static async Task<Latency> MeasureScheduleAsync(int fires, string root)
    {
        Write(root, ScheduledPipeline, "on:\n  schedule:\n    - cron: \"* * * * * *\"\n");
        await using var service = Build(root, BenchCatalog());
        var ended = EndedRuns(service);
        await service.StartAsync(CancellationToken.None);
        var latencies = new List<double>(fires);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(fires + 60));
        while (latencies.Count < fires)
        {
            var runId = await ended.ReadAsync(timeout.Token);
            var firing = service.Dispatcher.Firings.ForRun(runId) ?? throw new InvalidOperationException($"run {runId} has no firing");
            latencies.Add((FirstStepStarted(service.Store, runId) - firing.ScheduledTime!.Value).TotalMilliseconds);
        }
        await service.Scheduler.StopAsync();
        await service.Dispatcher.WhenIdleAsync();
        return Summarise(latencies);
    }

    private static async Task<Latency> MeasureEventsAsync(int events, bool nudge, string root)
    {
        Write(root, SubscribedPipeline, "on:\n  events:\n    - type: drift.detected\n      model: bench\n");
        await using var service = Build(root, BenchCatalog());
        var ended = EndedRuns(service);
        await service.StartAsync(CancellationToken.None);
        var latencies = new List<double>(events);
        for (var i = 0; i < events; i++)
        {
            var published = service.Store.PublishEvent(new EventDraft("drift.detected", "/bench", Model: "bench"));
            if (nudge) service.Events.Nudge();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var runId = await ended.ReadAsync(timeout.Token);
            var firing = service.Dispatcher.Firings.ForRun(runId) ?? throw new InvalidOperationException($"run {runId} has no firing");
            if (firing.EventId != published.Id) throw new InvalidOperationException($"run {runId} was started by event {firing.EventId}, not {published.Id}");
            latencies.Add((FirstStepStarted(service.Store, runId) - published.Time).TotalMilliseconds);
        }
        return Summarise(latencies);
    }

    private sealed record Dispatch(int Matching, long Examined, int Firings, double Seconds);

    private static async Task<Dispatch> MeasureDispatchAsync(int backlog, string root)
    {
        Write(root, SubscribedPipeline, "on:\n  events:\n    - type: drift.detected\n      model: bench\nconcurrency: forbid\n");
        // Not started: the pass is called here, alone, so it is timed without the poll loop competing for the backlog.
        await using var service = Build(root, BenchCatalog());
        service.Pipelines.Reload();
        service.Events.DispatchPending(); // places the never-read cursor at the newest event, before the backlog
        var cursor = service.Dispatcher.Firings.Cursor(Service.Scheduling.EventDispatcher.Subscriber)!.Value;
        var matching = 0;
        for (var i = 0; i < backlog; i++)
        {
            // The rest differ from the subscription by model or by type, so matching looks at both.
            var matches = i % MatchEvery == 0;
            matching += matches ? 1 : 0;
            var draft = matches ? new EventDraft("drift.detected", "/bench", Model: "bench")
                : i % 2 == 0 ? new EventDraft("drift.detected", "/bench", Model: "other", PayloadJson: """{"severity":"HIGH"}""")
                : new EventDraft("run.succeeded", "/pipelines/other/runs/x", Pipeline: "other", RunId: "x");
            service.Store.PublishEvent(draft);
        }
        var clock = Stopwatch.StartNew();
        var firings = service.Events.DispatchPending();
        clock.Stop();
        var examined = service.Dispatcher.Firings.Cursor(Service.Scheduling.EventDispatcher.Subscriber)!.Value - cursor;
        await service.Dispatcher.WhenIdleAsync();
        return new Dispatch(matching, examined, firings, clock.Elapsed.TotalSeconds);
    }

    private sealed record Idle(double CpuPercent, double WorkingSetMb, double GcHeapMb, int Pipelines, int Scheduled);

    private static async Task<Idle> MeasureIdleAsync(string workspace, string store, StepCatalog catalog, TimeSpan idle)
    {
        await using var service = ServiceHost.Build(new ServiceOptions
        {
            WorkspaceRoot = workspace,
            PipelinesDirectory = Path.Combine(workspace, "pipelines"),
            Catalog = catalog,
            StorePath = store,
            Urls = ["http://127.0.0.1:0"],
        });
        await service.StartAsync(CancellationToken.None);
        var pipelines = service.Pipelines.All;
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(idle);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var wall = clock.Elapsed;
        return new Idle(100.0 * cpu.TotalSeconds / wall.TotalSeconds, process.WorkingSet64 / 1e6, GC.GetGCMemoryInfo().HeapSizeBytes / 1e6,
            pipelines.Count, pipelines.Count(p => p.IsValid && p.Definition!.Triggers.Schedules.Count > 0));
    }

    private static StepCatalog BenchCatalog() => new StepCatalog().Add(typeof(NoOpStep));

    private static void Write(string root, string name, string triggers)
    {
        Directory.CreateDirectory(Path.Combine(root, "pipelines"));
        File.WriteAllText(Path.Combine(root, "pipelines", name + ".yaml"),
            $"name: {name}\n{triggers}steps:\n  - id: first\n    uses: bench/noop\n    with: {{ tag: t }}\n");
    }

    private static ServiceHost Build(string root, StepCatalog catalog) => ServiceHost.Build(new ServiceOptions
    {
        WorkspaceRoot = root,
        PipelinesDirectory = Path.Combine(root, "pipelines"),
        Catalog = catalog,
        StorePath = Path.Combine(root, ".pipelines"),
        Urls = ["http://127.0.0.1:0"],
        // Every run executes its step: a cache hit would still start the step, but measure less of the run.
        RunDefaults = new RunOptions { Force = true },
    });

    /// <summary>Run ids as their runs end; a run that did not succeed fails the benchmark where it is read, not on the run's thread.</summary>
    private static ChannelReader<string> EndedRuns(ServiceHost service)
    {
        var channel = Channel.CreateUnbounded<string>();
        service.Dispatcher.RunEnded += result =>
        {
            if (result is { Status: RunStatus.Succeeded }) channel.Writer.TryWrite(result.RunId);
            else channel.Writer.TryComplete(new InvalidOperationException(
                result is null ? "a benchmark run ended without a result" : $"benchmark run {result.RunId} {result.Status}: {result.Error}"));
        };
        return channel.Reader;
    }

    private static DateTime FirstStepStarted(PipelineStore store, string runId)
    {
        var starts = store.StepRuns(runId).Where(s => s.StartedAt is not null).Select(s => s.StartedAt!.Value).ToList();
        return starts.Count > 0 ? starts.Min() : throw new InvalidOperationException($"run {runId} recorded no step start");
    }

    /// <summary>Nearest-rank percentiles of the latencies in milliseconds.</summary>
    private static Latency Summarise(List<double> latencies)
    {
        latencies.Sort();
        return new Latency(latencies.Count, NearestRank.Of(latencies, 0.50), NearestRank.Of(latencies, 0.99), latencies[^1], latencies[0]);
    }
}
