using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Execution.Cluster;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Quartz;
using Quartz.Extensibility;
using Serilog;

namespace Pipelines.Service.Cluster;

/// <summary>
/// This process as a node of the cluster: its clustered Quartz scheduler (<see cref="ClusterQuartz"/>) and the runner of
/// the steps the scheduler hands it. A node queues a run's first steps (<see cref="StartRunAsync"/>), runs the steps it is
/// given, and after each hands the run's queued steps to the scheduler: the store decided, in the step's commit, which
/// dependents became ready (once); handing them over again is harmless, because a step's job key is taken only once.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly PipelineStore _store;
    private readonly ClusterSettings _settings;
    private readonly ClusterStepRunner _runner;
    private readonly ILogger _log;
    private readonly Func<IJob?>? _scheduleJob;
    private StandaloneSchedulerFactory? _factory;
    private IScheduler? _scheduler;
    private int _running;
    private CancellationTokenSource? _watching;
    private Task _watch = Task.CompletedTask;

    /// <param name="scheduleJob">Makes the job that fires a schedule, on a node that fires schedules (a serve).</param>
    public ClusterNode(PipelineStore store, StepCatalog catalog, string workspaceRoot, RunOptions runDefaults, ClusterSettings settings,
        Func<string, TriggerContext> triggerOf, ILogger log, Func<IJob?>? scheduleJob = null)
    {
        if (!store.Dialect.IsPostgres)
            throw new InvalidOperationException("a cluster node needs the store in PostgreSQL (ml.yaml store.kind: postgres)");
        foreach (var label in settings.Labels)
            if (!Pipelines.Engine.Model.NodeLabel.IsWellFormed(label))
                throw new ArgumentException($"label '{label}' is not one: {Pipelines.Engine.Model.NodeLabel.Shape}");
        _store = store;
        _settings = settings;
        _log = log.ForContext("SourceContext", "cluster");
        _scheduleJob = scheduleJob;
        _runner = new ClusterStepRunner(store, catalog, workspaceRoot, runDefaults, triggerOf, _log);
    }

    /// <summary>This node's Quartz instance id (host name and start time); the <c>node</c> of the step records it writes.</summary>
    public string InstanceId { get; private set; } = "";

    public ClusterSettings Settings => _settings;

    internal ILogger Log => _log;

    /// <summary>The clustered scheduler, once started.</summary>
    public IScheduler Scheduler => _scheduler ?? throw new InvalidOperationException("the cluster node has not been started");

    /// <summary>Steps running on this node now.</summary>
    public int RunningSteps => Volatile.Read(ref _running);

    /// <summary>
    /// Joins the cluster: Quartz creates its tables if they are missing, checks in, recovers the steps of nodes that stopped
    /// checking in, and starts taking steps.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = _store.Location.ConnectionString
            ?? throw new InvalidOperationException("a cluster node needs the store's connection string");
        _factory = ClusterQuartz.Build(connectionString, _settings, new NodeJobFactory(this));
        _scheduler = await _factory.GetScheduler(cancellationToken).ConfigureAwait(false);
        InstanceId = await _scheduler.GetSchedulerInstanceId(cancellationToken).ConfigureAwait(false);
        ClusterNodes.Join(_store, InstanceId, _settings.MaxSteps > 0 ? _settings.Labels : [], _settings.MaxSteps);
        await _scheduler.Start(cancellationToken).ConfigureAwait(false);
        if (_settings.FiresSchedules)
        {
            _watching = new CancellationTokenSource();
            _watch = WatchForStrandedRunsAsync(_watching.Token);
        }
        _log.Information("Joined the cluster as {Node}: up to {MaxSteps} step(s) at once, labels {Labels}", InstanceId, _settings.MaxSteps,
            _settings.Labels.Count == 0 ? "none" : string.Join(",", _settings.Labels));
    }

    /// <summary>Records a cluster run and hands its first steps to the scheduler.</summary>
    public async Task StartRunAsync(Pipelines.Engine.Planning.CompiledPipeline pipeline, RunOptions options, string runId, CancellationToken cancellationToken)
    {
        var roots = ClusterRuns.Start(_store, pipeline, options, runId);
        await DeliverAsync(runId, roots.Select(s => (s.Id, s.Definition.RunsOn)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hands steps to the scheduler; a step already handed over (its job exists) is left as it is.</summary>
    public async Task DeliverAsync(string runId, IEnumerable<(string StepId, string? RunsOn)> steps, CancellationToken cancellationToken)
    {
        var batch = steps.ToDictionary(s => StepJob.Detail(runId, s.StepId), s => (IReadOnlyCollection<ITrigger>)[StepJob.Trigger(runId, s.StepId, s.RunsOn)]);
        if (batch.Count == 0) return;
        try
        {
            // One store transaction for all: the usual case, steps nobody has handed over yet.
            await Scheduler.ScheduleJobs(batch, new ScheduleJobOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Some were handed over before, by this node or another: the job's key is what makes handing over idempotent.
            foreach (var (job, triggers) in batch)
            {
                try
                {
                    await Scheduler.ScheduleJob(job, triggers.Single(), new ScheduleJobOptions(), cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectAlreadyExistsException)
                {
                }
            }
        }
    }

    /// <summary>Runs one delivery of a step (called by its job), then hands on what the run has queued.</summary>
    internal async Task RunStepAsync(string runId, string stepId, bool recovering, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _running);
        try
        {
            if (recovering) _log.Warning("Recovering step {Step} of run {RunId}: the node that ran it stopped checking in", stepId, runId);
            var outcome = await _runner.RunAsync(runId, stepId, InstanceId, cancellationToken).ConfigureAwait(false);
            await DeliverAsync(runId, outcome.Pending.Select(p => (p.StepId, p.RunsOn)), CancellationToken.None).ConfigureAwait(false);
            if (outcome.EndedRun is not null) ForgetRunLater(runId);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>
    /// Removes an ended run's durable jobs, once the job that ended it has been completed by Quartz (a job deleted while it
    /// runs would leave Quartz to complete a trigger whose job is gone).
    /// </summary>
    private void ForgetRunLater(string runId) => _ = Task.Run(async () =>
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            if (_scheduler is { Status: not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) } scheduler)
                await scheduler.DeleteJobs(GroupMatcher<JobKey>.GroupEquals(runId), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SchedulerException or ObjectDisposedException)
        {
            _log.Debug("Removing the jobs of ended run {RunId} failed: {Error}", runId, e.Message);
        }
    });

    /// <summary>
    /// On a service: a run whose step was taken by a node that stopped checking in, and that no live node can take over (no
    /// node has its label, or none runs steps), is marked interrupted. Quartz recovers a dead node's steps onto the nodes
    /// that serve them; only what nobody can serve is stranded. Seen on two looks in a row, so a step between its recovery
    /// and its next delivery is not mistaken for one.
    /// </summary>
    private async Task WatchForStrandedRunsAsync(CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(2).Ticks, (_settings.CheckinInterval + _settings.CheckinMisfireThreshold).Ticks));
        var suspects = new HashSet<(string, string, string?)>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                var (anyRunsSteps, labels) = ClusterNodes.LiveCapacity(_store);
                var stranded = ClusterNodes.Orphaned(_store)
                    .Where(o => o.RunsOn is { } label ? !labels.Contains(label) : !anyRunsSteps)
                    .ToList();
                foreach (var orphan in stranded.Where(o => suspects.Contains((o.RunId, o.StepId, o.Node))))
                    if (ClusterNodes.Interrupt(_store, orphan))
                        _log.Warning("Run {RunId} interrupted: node {Node} stopped checking in while it ran step {Step}, and no live node can take it over",
                            orphan.RunId, orphan.Node, orphan.StepId);
                suspects = stranded.Select(o => (o.RunId, o.StepId, o.Node)).ToHashSet();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StoreUnavailableException or Npgsql.NpgsqlException)
            {
                _log.Warning("Looking for stranded cluster runs failed: {Error}", e.Message);
            }
        }
    }

    /// <summary>
    /// Drains the node: takes no new steps, lets the running ones finish (their results land and their dependents are
    /// queued for the other nodes), then leaves the cluster.
    /// </summary>
    public async Task DrainAsync()
    {
        if (_watching is not null)
        {
            await _watching.CancelAsync().ConfigureAwait(false);
            await _watch.ConfigureAwait(false);
            _watching.Dispose();
            _watching = null;
        }
        if (_scheduler is not { Status: not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) } scheduler) return;
        await scheduler.Standby(CancellationToken.None).ConfigureAwait(false);
        if (RunningSteps > 0) _log.Information("Draining: waiting for {Count} running step(s) to finish", RunningSteps);
        await scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None).ConfigureAwait(false);
        try
        {
            ClusterNodes.Leave(_store, InstanceId);
        }
        catch (StoreUnavailableException e)
        {
            _log.Warning("Could not record leaving the cluster: {Error}", e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        if (_factory is not null) await _factory.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class NodeJobFactory(ClusterNode node) : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken)
        {
            if (bundle.JobDetail.JobType.Type == typeof(StepJob)) return ValueTask.FromResult(new JobScope(new StepJob(node), null));
            if (node._scheduleJob?.Invoke() is { } job) return ValueTask.FromResult(new JobScope(job, null));
            throw new SchedulerException($"this node runs no job of type {bundle.JobDetail.JobType}");
        }

        public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
