using System.Text.Json;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Events;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Serilog;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// The one door every firing goes through — schedule, event or manual: it applies the pipeline's <c>concurrency</c>
/// policy and the firing's idempotency key, records the decision under that key (so a key that fired before starts
/// nothing, whatever restarts or duplicate deliveries happen), and runs the pipeline in this process.
/// </summary>
public sealed class RunDispatcher
{
    private readonly PipelineStore _store;
    private readonly FiringLog _firings;
    private readonly WorkspacePipelines _pipelines;
    private readonly StepCatalog _catalog;
    private readonly RunOptions _runDefaults;
    private readonly string _workspaceRoot;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedList<FiringRecord>> _queued = new(StringComparer.Ordinal);
    private bool _stopping;
    private Cluster.ClusterNode? _cluster;

    /// <summary>How often a cluster run started here is looked at in the store to learn that it ended.</summary>
    private static readonly TimeSpan ClusterRunPoll = TimeSpan.FromMilliseconds(200);

    public RunDispatcher(PipelineStore store, WorkspacePipelines pipelines, StepCatalog catalog, RunOptions runDefaults, string workspaceRoot,
        TimeProvider clock, ILogger log)
    {
        _store = store;
        _firings = new FiringLog(store);
        _pipelines = pipelines;
        _catalog = catalog;
        _runDefaults = runDefaults;
        _workspaceRoot = workspaceRoot;
        _clock = clock;
        _log = log;
    }

    /// <summary>Raised when a run this dispatcher started ends, from the thread that ran it.</summary>
    public event Action<RunResult?>? RunEnded;

    public FiringLog Firings => _firings;

    /// <summary>
    /// Runs started from now on are cluster runs: their steps go to the cluster's nodes through <paramref name="node"/>'s
    /// scheduler, and this dispatcher follows each in the store until it ends (so concurrency policies, queues and
    /// <see cref="RunEnded"/> work as for runs in this process).
    /// </summary>
    public void UseCluster(Cluster.ClusterNode node) => _cluster = node;

    /// <summary>The trigger a run was started by, from its firing; a start by hand when no firing names it.</summary>
    public TriggerContext TriggerOfRun(string runId) => _firings.ForRun(runId) is { } firing ? TriggerOf(firing) : TriggerContext.Manual;

    /// <summary>
    /// Decides about <paramref name="firing"/> and starts, queues or skips its run. A key that fired before returns its
    /// earlier decision with <see cref="FiringOutcome.IsDuplicate"/> set and starts nothing.
    /// </summary>
    /// <exception cref="UnknownPipelineException">No valid pipeline of that name in the workspace.</exception>
    /// <exception cref="Pipelines.Engine.Diagnostics.PipelineValidationException">The pipeline (with the firing's parameters) does not validate.</exception>
    public FiringOutcome Fire(Firing firing)
    {
        if (_firings.Find(firing.Key) is { } earlier) return Duplicate(earlier);
        var loaded = _pipelines.Find(firing.Pipeline) ?? throw new UnknownPipelineException(firing.Pipeline);
        // Compiled outside the gate: a pipeline that does not validate is refused before anything is recorded.
        var compiled = _pipelines.Compile(loaded.File, firing.Parameters);
        var policy = compiled.Definition.Concurrency;
        ActiveRun? launched = null;
        FiringOutcome outcome;
        lock (_gate)
        {
            if (_stopping) throw new InvalidOperationException("the service is stopping and starts no more runs");
            var running = _active.Values.Where(r => r.Pipeline == firing.Pipeline).ToList();
            var decision = running.Count == 0 ? FiringDecision.Started : policy switch
            {
                ConcurrencyPolicy.Forbid => FiringDecision.Skipped,
                ConcurrencyPolicy.Replace => FiringDecision.Replaced,
                ConcurrencyPolicy.Queue => FiringDecision.Queued,
                _ => FiringDecision.Started,
            };
            var reason = decision switch
            {
                FiringDecision.Skipped => $"concurrency forbid: run {string.Join(", ", running.Select(r => r.RunId))} of {firing.Pipeline} is still running",
                FiringDecision.Replaced => $"concurrency replace: cancelled run {string.Join(", ", running.Select(r => r.RunId))}",
                FiringDecision.Queued => $"concurrency queue: waits for run {string.Join(", ", running.Select(r => r.RunId))}",
                _ => null,
            };
            var runId = decision == FiringDecision.Skipped ? null : PipelineRunner.NewRunId();
            var (recorded, isNew) = _firings.Record(new FiringRecord(
                firing.Key, firing.Pipeline, firing.Trigger.Kind, firing.ScheduleCron, firing.Trigger.ScheduledTime?.UtcDateTime, firing.EventId,
                firing.EventJson, JsonSerializer.Serialize(firing.Parameters), decision, runId, reason, _clock.GetUtcNow().UtcDateTime));
            if (!isNew) return Duplicate(recorded);
            _log.Information("Firing {Key}: {Decision}{Reason}", firing.Key, FiringLog.Text(decision), reason is null ? "" : $" ({reason})");
            switch (decision)
            {
                case FiringDecision.Skipped:
                    PublishSkipped(firing, reason!);
                    break;
                case FiringDecision.Queued:
                    QueueOf(firing.Pipeline).AddLast(recorded);
                    break;
                case FiringDecision.Replaced:
                    foreach (var run in running) run.Cancellation.Cancel();
                    launched = StartRun(firing.Pipeline, runId!, compiled, firing.Trigger, firing.Parameters, firing.Force);
                    break;
                default:
                    launched = StartRun(firing.Pipeline, runId!, compiled, firing.Trigger, firing.Parameters, firing.Force);
                    break;
            }
            outcome = new FiringOutcome(decision, runId, false, reason);
        }
        launched?.WaitUntilRecorded();
        return outcome;
    }

    /// <summary>
    /// What a start of the service owes: runs it started that a crash interrupted are resumed (once each, as the store
    /// marked them interrupted on opening), and queued firings whose run never began wait their turn again.
    /// </summary>
    public void Recover()
    {
        foreach (var run in _firings.InterruptedServiceRuns())
        {
            _log.Information("Resuming run {RunId} of {Pipeline}, which the service started and a crash interrupted", run.RunId, run.Pipeline);
            Resume(run.RunId);
        }
        lock (_gate)
        {
            foreach (var waiting in _firings.WaitingInQueue()) QueueOf(waiting.Pipeline).AddLast(waiting);
            foreach (var pipeline in _queued.Keys.ToList()) StartNextQueued(pipeline);
        }
    }

    /// <summary>Continues a run that did not succeed, with the text and parameters it started with; returns its id.</summary>
    /// <exception cref="ArgumentException">No such run.</exception>
    /// <exception cref="InvalidOperationException">The run is running or already succeeded.</exception>
    public string Resume(string runIdOrPrefix)
    {
        var run = _store.FindRun(runIdOrPrefix) ?? throw new ArgumentException($"no run '{runIdOrPrefix}' in the store");
        if (run.Status == RunStatus.Succeeded) throw new InvalidOperationException($"run {run.RunId} already succeeded; nothing to resume");
        var trigger = _firings.ForRun(run.RunId) is { } firing ? TriggerOf(firing) : TriggerContext.Manual;
        ActiveRun launched;
        lock (_gate)
        {
            if (_stopping) throw new InvalidOperationException("the service is stopping and starts no more runs");
            if (_active.ContainsKey(run.RunId) || run.Status == RunStatus.Running)
                throw new InvalidOperationException($"run {run.RunId} is running; nothing to resume");
            if (_cluster is not null)
                throw new InvalidOperationException($"run {run.RunId} ran on the cluster; resuming cluster runs is not supported yet: start the pipeline again");
            var runner = new PipelineRunner(_store, _catalog, _log);
            launched = Launch(run.Pipeline, run.RunId, (observer, token) =>
                runner.ResumeAsync(run.RunId, _workspaceRoot, _runDefaults with { Trigger = trigger, Observer = observer }, token));
        }
        launched.WaitUntilRecorded();
        return run.RunId;
    }

    /// <summary>Cancels a running run, or withdraws a queued one; false when the run is neither.</summary>
    public bool Cancel(string runId)
    {
        lock (_gate)
        {
            if (_active.TryGetValue(runId, out var active))
            {
                active.Cancellation.Cancel();
                return true;
            }
            foreach (var queue in _queued.Values)
                if (queue.FirstOrDefault(f => f.RunId == runId) is { } waiting)
                {
                    queue.Remove(waiting);
                    _firings.Withdraw(waiting.Key, "cancelled before it started");
                    return true;
                }
        }
        return false;
    }

    public bool IsRunning(string runId)
    {
        lock (_gate) return _active.ContainsKey(runId);
    }

    public bool IsQueued(string runId)
    {
        lock (_gate) return _queued.Values.Any(q => q.Any(f => f.RunId == runId));
    }

    /// <summary>Queued firings that have not started yet, per pipeline in the order they will run.</summary>
    public IReadOnlyList<FiringRecord> Queued()
    {
        lock (_gate) return _queued.Values.SelectMany(q => q).ToList();
    }

    /// <summary>Runs in progress: pipeline and run id.</summary>
    public IReadOnlyList<(string Pipeline, string RunId)> Running()
    {
        lock (_gate) return _active.Values.Select(r => (r.Pipeline, r.RunId)).ToList();
    }

    /// <summary>
    /// Stops starting runs, lets the running ones go on for up to <paramref name="grace"/>, then cancels them (the
    /// runner records them cancelled) and waits for them to end. Queued firings stay recorded for the next start.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        ActiveRun[] running;
        lock (_gate)
        {
            _stopping = true;
            _queued.Clear();
            running = _active.Values.ToArray();
        }
        if (running.Length == 0) return;
        var all = Task.WhenAll(running.Select(r => r.Completion));
        _log.Information("Waiting up to {Grace} for {Count} run(s) to finish", grace, running.Length);
        using var timeout = new CancellationTokenSource();
        var finishedInTime = await Task.WhenAny(all, Task.Delay(grace, _clock, timeout.Token)).ConfigureAwait(false) == all;
        timeout.Cancel();
        if (!finishedInTime)
        {
            _log.Warning("Cancelling {Count} run(s) still going after the grace period", running.Count(r => !r.Completion.IsCompleted));
            foreach (var run in running) run.Cancellation.Cancel();
        }
        await all.ConfigureAwait(false);
    }

    /// <summary>Completes when no run this dispatcher started is still going (tests, benchmarks).</summary>
    public async Task WhenIdleAsync()
    {
        while (true)
        {
            Task[] running;
            lock (_gate) running = _active.Values.Select(r => r.Completion).ToArray();
            if (running.Length == 0) return;
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private ActiveRun StartRun(string pipeline, string runId, CompiledPipeline compiled, TriggerContext trigger, IReadOnlyDictionary<string, string> parameters,
        bool force = false)
    {
        var options = _runDefaults with { RunId = runId, Trigger = trigger, ParameterOverrides = parameters, Force = force || _runDefaults.Force };
        if (_cluster is { } cluster)
            return Launch(pipeline, runId, (observer, token) => FollowClusterRunAsync(cluster, compiled, options, observer, token));
        var runner = new PipelineRunner(_store, _catalog, _log);
        return Launch(pipeline, runId, (observer, token) => runner.RunAsync(compiled, options with { Observer = observer }, token));
    }

    /// <summary>
    /// Starts a cluster run and follows it in the store until it ends. Cancelling it (a cancel or a replacing firing) decides
    /// the run cancelled; the service stopping only stops following it, because the cluster's nodes go on running it.
    /// </summary>
    private async Task<RunResult> FollowClusterRunAsync(Cluster.ClusterNode cluster, CompiledPipeline compiled, RunOptions options, IRunObserver observer,
        CancellationToken token)
    {
        var runId = options.RunId!;
        await cluster.StartRunAsync(compiled, options, runId, CancellationToken.None).ConfigureAwait(false);
        observer.RunStarted(runId, compiled);
        while (true)
        {
            var following = true;
            try
            {
                await Task.Delay(ClusterRunPoll, _clock, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate) following = !_stopping;
                if (following) Engine.Execution.Cluster.ClusterRuns.Cancel(_store, runId, compiled, options.Trigger);
                token = CancellationToken.None;
            }
            var run = _store.FindRun(runId)!;
            if (run.Status == RunStatus.Running && following) continue;
            var steps = _store.StepRuns(runId).ToDictionary(s => s.StepId, s => s.Status);
            return new RunResult(runId, run.Status, compiled.Steps.ToDictionary(s => s.Id, s => steps.GetValueOrDefault(s.Id, StepStatus.Pending)), run.Error);
        }
    }

    /// <summary>Called with the gate held.</summary>
    private ActiveRun Launch(string pipeline, string runId, Func<IRunObserver, CancellationToken, Task<RunResult>> work)
    {
        var active = new ActiveRun(pipeline, runId, new CancellationTokenSource());
        _active[runId] = active;
        active.Completion = Task.Run(async () =>
        {
            RunResult? result = null;
            try
            {
                result = await work(active, active.Cancellation.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _log.Error(e, "Run {RunId} of {Pipeline} failed to run", runId, pipeline);
                if (_store.FindRun(runId) is { Status: RunStatus.Running }) _store.FinishRun(runId, RunStatus.Failed, e.Message);
            }
            finally
            {
                active.Recorded.TrySetResult();
                Ended(active);
                RunEnded?.Invoke(result);
            }
        });
        return active;
    }

    private void Ended(ActiveRun run)
    {
        lock (_gate)
        {
            _active.Remove(run.RunId);
            run.Cancellation.Dispose();
            if (!_stopping) StartNextQueued(run.Pipeline);
        }
    }

    /// <summary>Called with the gate held: starts the oldest queued firing of a pipeline that has nothing running.</summary>
    private void StartNextQueued(string pipeline)
    {
        if (_active.Values.Any(r => r.Pipeline == pipeline) || !_queued.TryGetValue(pipeline, out var queue)) return;
        while (queue.First is { } first)
        {
            queue.RemoveFirst();
            var firing = first.Value;
            var parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(firing.ParamsJson) ?? [];
            try
            {
                var loaded = _pipelines.Find(pipeline) ?? throw new UnknownPipelineException(pipeline);
                StartRun(pipeline, firing.RunId!, _pipelines.Compile(loaded.File, parameters), TriggerOf(firing), parameters);
                return;
            }
            catch (Exception e) when (e is UnknownPipelineException or Pipelines.Engine.Diagnostics.PipelineValidationException or IOException)
            {
                _log.Error("Queued firing {Key} cannot start: {Error}", firing.Key, e.Message);
                _firings.Withdraw(firing.Key, $"could not start: {e.Message}");
            }
        }
    }

    private LinkedList<FiringRecord> QueueOf(string pipeline)
    {
        if (!_queued.TryGetValue(pipeline, out var queue)) _queued[pipeline] = queue = new LinkedList<FiringRecord>();
        return queue;
    }

    private void PublishSkipped(Firing firing, string reason)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["pipeline"] = firing.Pipeline,
            ["reason"] = reason,
            ["trigger_kind"] = firing.Trigger.Kind,
            ["firing_key"] = firing.Key,
            ["scheduled_time"] = firing.Trigger.ScheduledTimeText,
            ["event_id"] = firing.EventId,
        });
        _store.PublishEvent(new EventDraft("trigger.skipped", "/service", Pipeline: firing.Pipeline, PayloadJson: payload));
    }

    /// <summary>The trigger a recorded firing gave its run, rebuilt for a queued start or a resume.</summary>
    public static TriggerContext TriggerOf(FiringRecord firing) => firing.Kind switch
    {
        TriggerContext.ScheduleKind when firing.ScheduledTime is { } time => TriggerContext.Scheduled(new DateTimeOffset(time, TimeSpan.Zero)),
        TriggerContext.EventKind when firing.EventJson is { } json => TriggerContext.FromEvent(EventPayload.FromJson(json)),
        _ => TriggerContext.Manual,
    };

    private static FiringOutcome Duplicate(FiringRecord earlier) => new(earlier.Decision, earlier.RunId, true, earlier.Reason);

    /// <summary>The pipeline a run this dispatcher is running belongs to; null when it runs none of that id.</summary>
    public string? PipelineOf(string runId)
    {
        lock (_gate) return _active.TryGetValue(runId, out var run) ? run.Pipeline : null;
    }

    /// <summary>
    /// A run in progress. It observes its own start so that a start or resume returns once the store shows the run
    /// running: a client that asks for the run right after sees it, not a 404 or its status before the resume.
    /// </summary>
    private sealed class ActiveRun(string pipeline, string runId, CancellationTokenSource cancellation) : IRunObserver
    {
        private static readonly TimeSpan RecordWait = TimeSpan.FromSeconds(30);

        public string Pipeline { get; } = pipeline;
        public string RunId { get; } = runId;
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public Task Completion { get; set; } = Task.CompletedTask;
        public TaskCompletionSource Recorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void WaitUntilRecorded() => Recorded.Task.Wait(RecordWait);

        public void RunStarted(string runId, CompiledPipeline pipeline) => Recorded.TrySetResult();
        public void StepStarted(string stepId, int attempt) { }
        public void StepProgress(string stepId, double fraction, string? message) { }
        public void StepFinished(string stepId, StepStatus status, TimeSpan duration, string? message) { }
        public void RunFinished(string runId, RunStatus status) { }
    }
}

/// <summary>A firing or request named a pipeline the workspace does not have.</summary>
public sealed class UnknownPipelineException(string name) : Exception($"no pipeline named '{name}' in the workspace's pipelines/ directory")
{
    public string Name { get; } = name;
}
