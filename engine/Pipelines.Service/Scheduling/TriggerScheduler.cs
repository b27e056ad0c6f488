using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Quartz;
using Quartz.Extensibility;
using Serilog;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// Fires <c>on.schedule</c>: every valid pipeline with schedules gets a Quartz job whose cron triggers are the
/// schedules' standard cron translated for Quartz, in the schedule's IANA time zone, in an in-memory job store.
/// The store keeps what fired (the firings table), so at start the fires missed while nothing ran are caught up per
/// <c>catch_up</c>; Quartz itself forgets everything on exit. A pipeline file that changes is rescheduled; one that
/// no longer validates loses its triggers.
/// With the store in PostgreSQL (<see cref="UseCluster"/>) the schedules live in the cluster's clustered job store instead,
/// in an execution group only services serve: however many services run, each fire starts one run, on one of them.
/// </summary>
public sealed class TriggerScheduler : ITriggerSchedule, IAsyncDisposable
{
    private const string JobName = "schedule";
    private const string CronKey = "cron";
    private const string PipelineKey = "pipeline";

    /// <summary>Schedules' job groups start so, beside the cluster's run groups in the same job store.</summary>
    private const string GroupPrefix = "schedule:";

    private readonly WorkspacePipelines _pipelines;
    private readonly RunDispatcher _dispatcher;
    private readonly FiringLog _firings;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly HashSet<string> _paused = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reschedule = new(1, 1);
    private StandaloneSchedulerFactory? _factory;
    private IScheduler? _scheduler;
    private Cluster.ClusterNode? _cluster;

    public TriggerScheduler(WorkspacePipelines pipelines, RunDispatcher dispatcher, TimeProvider clock, ILogger log)
    {
        _pipelines = pipelines;
        _dispatcher = dispatcher;
        _firings = dispatcher.Firings;
        _clock = clock;
        _log = log;
    }

    public bool IsRunning => _scheduler is { Status: SchedulerStatus.Running };

    /// <summary>
    /// Keeps the schedules in the cluster's clustered scheduler, started by <paramref name="node"/> before this one starts, so
    /// that each fire happens once in the cluster. Call before <see cref="StartAsync"/>.
    /// </summary>
    public void UseCluster(Cluster.ClusterNode node) => _cluster = node;

    /// <summary>The job that fires a schedule; the cluster node's job factory makes it for the schedules' triggers.</summary>
    internal IJob CreateFireJob() => new ScheduleFireJob(this);

    /// <summary>Catches up missed fires, schedules every pipeline and starts firing.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_cluster is not null)
        {
            _scheduler = _cluster.Scheduler;
        }
        else
        {
            _factory = QuartzSchedulerBuilder.Create(q => q
                    .ConfigureScheduler(options => options.InstanceName = $"pipelines-{Guid.NewGuid():N}")
                    .UseDefaultThreadPool(maxConcurrency: 2)
                    .UseInMemoryStore()
                    .UseTimeProvider(_clock)
                    .UseJobFactory(new FireJobFactory(this)))
                .Build();
            _scheduler = await _factory.GetScheduler(cancellationToken).ConfigureAwait(false);
        }
        CatchUp();
        await RescheduleAsync(_pipelines.All, cancellationToken).ConfigureAwait(false);
        _pipelines.Changed += OnPipelinesChanged;
        if (_cluster is null) await _scheduler.Start(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        _pipelines.Changed -= OnPipelinesChanged;
        // The cluster's scheduler belongs to its node, which drains it; only a scheduler of our own is shut down here.
        if (_cluster is null && _scheduler is { Status: not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) } scheduler)
            await scheduler.Shutdown(false, CancellationToken.None).ConfigureAwait(false);
    }

    private static JobKey JobOf(string pipeline) => new(JobName, GroupPrefix + pipeline);

    /// <summary>Fires owed since the last recorded fire of each schedule, per its <c>catch_up</c>.</summary>
    public void CatchUp()
    {
        foreach (var pipeline in _pipelines.All.Where(p => p.IsValid && !IsPaused(p.Name)))
            foreach (var schedule in pipeline.Definition!.Triggers.Schedules)
            {
                var missed = MissedFires.Due(schedule, _firings.LastScheduledFire(pipeline.Name, schedule.Cron.Text), _clock);
                if (missed.Count > 0)
                    _log.Information("Catching up {Count} missed fire(s) of {Pipeline} ({Cron}, catch_up {Policy})",
                        missed.Count, pipeline.Name, schedule.Cron.Text, TriggerNames.Of(schedule.CatchUp));
                foreach (var fire in missed) FireSchedule(pipeline.Name, schedule.Cron.Text, fire);
            }
    }

    /// <returns>False when the workspace has no pipeline of that name.</returns>
    public async Task<bool> PauseAsync(string pipeline)
    {
        if (_pipelines.Find(pipeline) is null) return false;
        lock (_paused) _paused.Add(pipeline);
        if (_scheduler is not null) await _scheduler.PauseJob(JobOf(pipeline), CancellationToken.None).ConfigureAwait(false);
        _log.Information("Triggers of {Pipeline} paused", pipeline);
        return true;
    }

    /// <returns>False when the workspace has no pipeline of that name.</returns>
    public async Task<bool> ResumeAsync(string pipeline)
    {
        if (_pipelines.Find(pipeline) is null) return false;
        lock (_paused) _paused.Remove(pipeline);
        if (_scheduler is not null) await _scheduler.ResumeJob(JobOf(pipeline), CancellationToken.None).ConfigureAwait(false);
        _log.Information("Triggers of {Pipeline} resumed", pipeline);
        return true;
    }

    public bool IsPaused(string pipeline)
    {
        lock (_paused) return _paused.Contains(pipeline);
    }

    public IReadOnlyList<UpcomingFire> Upcoming(int perPipeline)
    {
        var now = _clock.GetUtcNow();
        return _pipelines.All
            .Where(p => p.IsValid && !IsPaused(p.Name))
            .SelectMany(p => p.Definition!.Triggers.Schedules.SelectMany(s => s.NextFires(now, perPipeline)
                .Select(at => new UpcomingFire(p.Name, s.Cron.Text, s.TimeZone.Id, at))))
            .GroupBy(f => f.Pipeline)
            .SelectMany(g => g.OrderBy(f => f.At).Take(perPipeline))
            .OrderBy(f => f.At)
            .ToList();
    }

    private void OnPipelinesChanged(IReadOnlyList<LoadedPipeline> pipelines) =>
        _ = Task.Run(async () =>
        {
            try { await RescheduleAsync(pipelines, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) { _log.Error(e, "Rescheduling after a pipeline change failed"); }
        });

    /// <summary>Replaces every job with the schedules of <paramref name="pipelines"/>; pausing survives a reload.</summary>
    private async Task RescheduleAsync(IReadOnlyList<LoadedPipeline> pipelines, CancellationToken cancellationToken)
    {
        if (_scheduler is not { Status: not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) } scheduler) return;
        await _reschedule.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Only the schedules: in a cluster the job store also holds the runs' steps.
            await scheduler.DeleteJobs(GroupMatcher<JobKey>.GroupStartsWith(GroupPrefix), cancellationToken).ConfigureAwait(false);
            foreach (var pipeline in pipelines.Where(p => p.IsValid && p.Definition!.Triggers.Schedules.Count > 0))
            {
                var job = JobBuilder.Create<ScheduleFireJob>().WithIdentity(JobOf(pipeline.Name)).UsingJobData(PipelineKey, pipeline.Name).Build();
                var triggers = pipeline.Definition!.Triggers.Schedules.Select((schedule, index) => (ITrigger)TriggerBuilder.Create(_clock)
                        .WithIdentity($"schedule-{index}", GroupPrefix + pipeline.Name)
                        .ForJob(job)
                        .WithExecutionGroup(_cluster is null ? null : Cluster.ClusterQuartz.ScheduleGroup)
                        .UsingJobData(CronKey, schedule.Cron.Text)
                        .WithCronSchedule(schedule.Cron.QuartzText, cron => cron.InTimeZone(schedule.TimeZone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                        .StartNow()
                        .Build())
                    .ToList();
                await scheduler.ScheduleJob(job, triggers, ScheduleJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
                if (IsPaused(pipeline.Name)) await scheduler.PauseJob(job.Key, cancellationToken).ConfigureAwait(false);
                _log.Information("Scheduled {Pipeline}: {Schedules}", pipeline.Name,
                    string.Join("; ", pipeline.Definition.Triggers.Schedules.Select(s => $"cron \"{s.Cron.Text}\" in {s.TimeZone.Id}")));
            }
        }
        finally
        {
            _reschedule.Release();
        }
    }

    private void FireSchedule(string pipeline, string cron, DateTimeOffset scheduledTime)
    {
        try
        {
            var outcome = _dispatcher.Fire(Firing.ForSchedule(pipeline, cron, scheduledTime));
            if (outcome.IsDuplicate) _log.Debug("Fire of {Pipeline} at {Time} was already recorded", pipeline, scheduledTime);
        }
        catch (Exception e) when (e is PipelineValidationException or UnknownPipelineException or IOException or InvalidOperationException)
        {
            _log.Error("Scheduled fire of {Pipeline} at {Time} cannot start: {Error}", pipeline, scheduledTime, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_factory is not null) await _factory.DisposeAsync().ConfigureAwait(false);
        _reschedule.Dispose();
    }

    /// <summary>One fire of a schedule: hands the scheduled time, in the schedule's time zone, to the dispatcher.</summary>
    private sealed class ScheduleFireJob(TriggerScheduler owner) : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var pipeline = context.MergedJobDataMap.GetString(PipelineKey)!;
            var cron = context.MergedJobDataMap.GetString(CronKey)!;
            var scheduled = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
            var zone = owner._pipelines.Find(pipeline)?.Definition?.Triggers.Schedules.FirstOrDefault(s => s.Cron.Text == cron)?.TimeZone ?? TimeZoneInfo.Utc;
            owner._log.Information("Schedule of {Pipeline} ({Cron}) fired for {Time:o} on this node", pipeline, cron, scheduled);
            owner.FireSchedule(pipeline, cron, TimeZoneInfo.ConvertTime(scheduled, zone));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FireJobFactory(TriggerScheduler owner) : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new JobScope(new ScheduleFireJob(owner), null));

        public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
