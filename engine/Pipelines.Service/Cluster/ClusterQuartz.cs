using Pipelines.Engine.Cluster;
using Quartz;
using Quartz.Extensibility;

namespace Pipelines.Service.Cluster;

/// <summary>
/// The one Quartz configuration of a cluster: every <c>pipelines serve</c> and <c>pipelines worker</c> builds its scheduler
/// here. One clustered scheduler named <see cref="SchedulerName"/> on the store's PostgreSQL (Npgsql, PostgreSQL delegate),
/// Quartz's standard tables with the prefix <c>qrtz_</c> in the default schema, created by Quartz when missing
/// (<see cref="SchemaProvisioning.CreateIfMissing"/>), instance id generated (host name and time), check-in as
/// <see cref="ClusterSettings"/> says.
/// </summary>
/// <remarks>
/// Node affinity is Quartz's own execution groups: a step that requires a label (<c>runs-on: train</c>) is a trigger in the
/// execution group <c>train</c>, and a node serves the ungrouped triggers (<c>_</c>) and the groups of its labels, so a
/// step waits, unmodified, until a node with its label checks in. Schedule fires are triggers in the group
/// <see cref="ScheduleGroup"/>, which only <c>serve</c> nodes serve. One thread pool of <see cref="ClusterSettings.MaxSteps"/>
/// threads is what the node runs at once, whatever the group.
/// </remarks>
public static class ClusterQuartz
{
    /// <summary>The cluster's scheduler name: the prefix <see cref="ClusterStatusQuery"/> reads, so the status sees every node by construction.</summary>
    public const string SchedulerName = ClusterStatusQuery.SchedulerPrefix;

    /// <summary>Quartz's name for the triggers that carry no execution group.</summary>
    public const string UngroupedExecution = "_";

    /// <summary>The execution group of schedule fires; a dot keeps it apart from every node label.</summary>
    public const string ScheduleGroup = "pipelines.schedule";

    public const string TablePrefix = "qrtz_";

    /// <summary>The group a node that runs no steps and fires no schedules serves: no trigger carries it.</summary>
    public const string NoGroup = "pipelines.none";

    /// <summary>The execution groups a node with these settings serves.</summary>
    public static IReadOnlyList<string> ServedGroups(ClusterSettings settings)
    {
        IReadOnlyList<string> steps = settings.MaxSteps > 0 ? [UngroupedExecution, .. settings.Labels] : [];
        IReadOnlyList<string> served = [.. steps, .. settings.FiresSchedules ? [ScheduleGroup] : Array.Empty<string>()];
        return served.Count > 0 ? served : [NoGroup];
    }

    /// <summary>
    /// A factory for this node's clustered scheduler. The caller starts the scheduler (<c>GetScheduler</c>, then <c>Start</c>)
    /// and disposes the factory, which shuts it down. Another <paramref name="schedulerName"/> (one beginning with
    /// <see cref="SchedulerName"/>) makes a cluster of its own in the same tables, as a benchmark does beside a live one.
    /// </summary>
    public static StandaloneSchedulerFactory Build(string connectionString, ClusterSettings settings, IJobFactory jobs, TimeProvider? clock = null,
        string schedulerName = SchedulerName) =>
        QuartzSchedulerBuilder.Create(q => Configure(q, connectionString, settings, jobs, clock, schedulerName)).Build();

    /// <summary>The configuration <see cref="Build"/> gives Quartz, on any Quartz builder (a container of one's own, for instance).</summary>
    public static void Configure(IQuartzBuilder q, string connectionString, ClusterSettings settings, IJobFactory jobs, TimeProvider? clock = null,
        string schedulerName = SchedulerName)
    {
        q.ConfigureScheduler(options =>
        {
            options.InstanceName = schedulerName;
            options.IdleWaitTime = settings.PollInterval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : settings.PollInterval;
            foreach (var group in ServedGroups(settings)) options.ServedExecutionGroups.Add(group);
            // Draining lets running steps finish: a shutdown never cancels them.
            options.ShutdownJobInterruption = ShutdownJobInterruption.Never;
        });
        q.UseDefaultThreadPool(Math.Max(1, settings.MaxSteps));
        q.UsePersistentStore(store =>
        {
            store.UsePostgres(connectionString);
            store.UseClustering(cluster =>
            {
                cluster.CheckinInterval = settings.CheckinInterval;
                cluster.CheckinMisfireThreshold = settings.CheckinMisfireThreshold;
            });
            store.ConfigureStore(options =>
            {
                options.TablePrefix = TablePrefix;
                options.SchemaProvisioning = SchemaProvisioning.CreateIfMissing;
                // A database that went away (restarted) is tried again this often, not after Quartz's default 15 s.
                options.DbRetryInterval = settings.CheckinInterval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : settings.CheckinInterval;
            });
        });
        q.UseJobFactory(jobs);
        if (clock is not null) q.UseTimeProvider(clock);
    }
}
