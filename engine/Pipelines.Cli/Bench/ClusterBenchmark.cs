using System.Diagnostics;
using System.Text.RegularExpressions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Execution.Cluster;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Service.Cluster;

namespace Pipelines.Cli.Bench;

/// <summary>
/// Measures clustered execution on the workspace's PostgreSQL store with real worker processes (<c>pipelines worker
/// --bench-steps</c>) started here, one, then two, then three; this process only queues runs and follows them (a node that
/// runs no steps).
/// <list type="bullet">
/// <item>No-op steps per second with 1, 2 and 3 workers: runs of a wide pipeline of independent <c>bench/noop</c> steps,
/// all started at once; steps over the time from the first start to the last run's end.</item>
/// <item>Dispatch latency, with 3 workers: in chains of <c>bench/noop</c> steps, a step's <c>started_at</c> minus its
/// dependency's <c>finished_at</c>, both as the nodes recorded them (one machine, one clock).</item>
/// <item>Failover, with 3 workers: the time from SIGKILL of the worker running a long step to the step's second delivery
/// starting on another node.</item>
/// </list>
/// </summary>
public static partial class ClusterBenchmark
{
    public sealed record Throughput(int Workers, int Steps, double Seconds, double StepsPerSecond);

    public sealed record Result(IReadOnlyList<Throughput> Throughput, int Edges, double DispatchP50Ms, double DispatchP99Ms, double FailoverSeconds,
        TimeSpan CheckinInterval, TimeSpan CheckinThreshold, int MaxStepsPerWorker);

    public static async Task<Result> RunAsync(string workspaceRoot, StoreLocation location, StepCatalog catalog, ClusterSettings workerSettings,
        int runs, int width, int chain, TextWriter progress, CancellationToken cancellationToken)
    {
        catalog.Add(typeof(NoOpStep)).Add(typeof(SleepStep));
        using var store = PipelineStore.Open(location, TimeSpan.FromSeconds(10));
        await using var node = new ClusterNode(store, catalog, workspaceRoot, new RunOptions(), workerSettings with { MaxSteps = 0, Labels = [] },
            _ => Engine.Triggers.TriggerContext.Manual, Serilog.Core.Logger.None);
        await node.StartAsync(cancellationToken);
        var workers = new List<WorkerProcess>();
        try
        {
            var throughput = new List<Throughput>();
            var seed = DateTime.UtcNow.Ticks;
            for (var count = 1; count <= 3; count++)
            {
                workers.Add(await WorkerProcess.StartAsync(workspaceRoot, workerSettings, cancellationToken));
                var wide = Compile(workspaceRoot, catalog, Wide(width));
                var clock = Stopwatch.StartNew();
                var started = new List<string>();
                for (var i = 0; i < runs; i++) started.Add(await StartAsync(node, wide, $"{seed}-{count}-{i}", cancellationToken));
                await WaitAsync(store, started, cancellationToken);
                clock.Stop();
                throughput.Add(new Throughput(count, runs * width, clock.Elapsed.TotalSeconds, runs * width / clock.Elapsed.TotalSeconds));
                progress.WriteLine($"{count} worker(s): {runs * width} no-op steps in {clock.Elapsed.TotalSeconds:0.00} s");
            }

            var chained = Compile(workspaceRoot, catalog, Chain(chain));
            var chains = new List<string>();
            for (var i = 0; i < runs; i++) chains.Add(await StartAsync(node, chained, $"{seed}-chain-{i}", cancellationToken));
            await WaitAsync(store, chains, cancellationToken);
            var latencies = new List<double>();
            foreach (var run in chains)
            {
                var steps = store.StepRuns(run).ToDictionary(s => s.StepId);
                foreach (var step in chained.Steps)
                    foreach (var dependency in step.DependsOn)
                        latencies.Add((steps[step.Id].StartedAt!.Value - steps[dependency].FinishedAt!.Value).TotalMilliseconds);
            }
            latencies.Sort();
            progress.WriteLine($"dispatch latency over {latencies.Count} edges: p50 {NearestRank.Of(latencies, 0.5):0.0} ms, p99 {NearestRank.Of(latencies, 0.99):0.0} ms");

            var failover = await MeasureFailoverAsync(store, node, workers, Compile(workspaceRoot, catalog, Long), seed, cancellationToken);
            progress.WriteLine($"failover: the killed worker's step started again elsewhere {failover:0.0} s after SIGKILL");
            return new Result(throughput, latencies.Count, NearestRank.Of(latencies, 0.5), NearestRank.Of(latencies, 0.99), failover,
                workerSettings.CheckinInterval, workerSettings.CheckinMisfireThreshold, workerSettings.MaxSteps);
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
        }
    }

    private static async Task<double> MeasureFailoverAsync(PipelineStore store, ClusterNode node, List<WorkerProcess> workers, CompiledPipeline pipeline,
        long seed, CancellationToken cancellationToken)
    {
        var run = await StartAsync(node, pipeline, $"{seed}-failover", cancellationToken);
        StepDispatchRow Row() => ClusterRuns.Dispatch(store, run).Single();
        while (Row() is not { Deliveries: 1, Node: { } holder } || workers.All(w => w.InstanceId != holder))
            await Task.Delay(20, cancellationToken);
        var victim = workers.Single(w => w.InstanceId == Row().Node);
        var killedAt = DateTime.UtcNow;
        victim.Kill();
        while (Row() is not { Deliveries: >= 2, StartedAt: { } restarted })
            await Task.Delay(20, cancellationToken);
        var seconds = (Row().StartedAt!.Value - killedAt).TotalSeconds;
        ClusterRuns.Cancel(store, run, pipeline, Engine.Triggers.TriggerContext.Manual);
        return seconds;
    }

    private static async Task<string> StartAsync(ClusterNode node, CompiledPipeline pipeline, string tag, CancellationToken cancellationToken)
    {
        var runId = PipelineRunner.NewRunId() + "-" + tag[^Math.Min(6, tag.Length)..];
        // The nodes compile the run from its recorded text and these parameters; here only its first steps are needed.
        await node.StartRunAsync(pipeline, new RunOptions { ParameterOverrides = new Dictionary<string, string> { ["tag"] = tag } }, runId, cancellationToken);
        return runId;
    }

    private static async Task WaitAsync(PipelineStore store, IReadOnlyList<string> runs, CancellationToken cancellationToken)
    {
        foreach (var run in runs)
            while (store.FindRun(run)!.Status == RunStatus.Running) await Task.Delay(20, cancellationToken);
    }

    private static CompiledPipeline Compile(string workspaceRoot, StepCatalog catalog, string text) =>
        PipelineCompiler.Compile(PipelineParser.ParseText(Path.Combine(workspaceRoot, "bench-cluster.yaml"), text), catalog, workspaceRoot);

    private static string Wide(int width) =>
        "name: bench-cluster-wide\nparams:\n  tag: t\nsteps:\n" + string.Concat(Enumerable.Range(0, width).Select(i =>
            $"  - id: s{i}\n    uses: bench/noop\n    with: {{ tag: \"{i}-${{{{ params.tag }}}}\" }}\n"));

    private static string Chain(int length) =>
        "name: bench-cluster-chain\nparams:\n  tag: t\nsteps:\n" + string.Concat(Enumerable.Range(0, length).Select(i =>
            $"  - id: s{i}\n    uses: bench/noop\n    with: {{ tag: \"{i}-${{{{ params.tag }}}}\"{(i == 0 ? "" : $", after: [\"${{{{ steps.s{i - 1}.outputs.marker }}}}\"]")} }}\n"));

    private const string Long = "name: bench-cluster-failover\nparams:\n  tag: t\nsteps:\n  - id: long\n    uses: bench/sleep\n    with: { tag: \"${{ params.tag }}\", seconds: 120 }\n";

    /// <summary>A <c>pipelines worker</c> process of this program, on the same workspace.</summary>
    private sealed partial class WorkerProcess : IDisposable
    {
        private readonly Process _process;

        private WorkerProcess(Process process, string instanceId)
        {
            _process = process;
            InstanceId = instanceId;
        }

        public string InstanceId { get; }

        public static async Task<WorkerProcess> StartAsync(string workspaceRoot, ClusterSettings settings, CancellationToken cancellationToken)
        {
            var host = Environment.ProcessPath ?? "dotnet";
            var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipelines.dll"));
            foreach (var arg in new[]
                     {
                         "-C", workspaceRoot, "worker", "--bench-steps", "--max-steps", settings.MaxSteps.ToString(),
                         "--checkin-interval", $"{settings.CheckinInterval.TotalSeconds}s", "--checkin-threshold", $"{settings.CheckinMisfireThreshold.TotalSeconds}s",
                         "--poll", $"{settings.PollInterval.TotalSeconds}s",
                     })
                start.ArgumentList.Add(arg);
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a worker");
            _ = process.StandardError.ReadToEndAsync(cancellationToken);
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
                if (Joined().Match(line) is { Success: true } joined)
                {
                    _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
                    return new WorkerProcess(process, joined.Groups[1].Value);
                }
            throw new InvalidOperationException($"a worker exited ({process.ExitCode}) before joining the cluster");
        }

        public void Kill() => _process.Kill(entireProcessTree: true);

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

        [GeneratedRegex(@"joined the cluster as (\S+?):")]
        private static partial Regex Joined();
    }
}
