using System.Collections.Concurrent;
using Quartz;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// A clustered Quartz scheduler on the test PostgreSQL, configured as the cluster's contract says: AdoJobStore with
/// Npgsql, clustered, instance id AUTO, tables with the prefix <c>qrtz_</c> created by Quartz itself
/// (<c>SchemaProvisioning.CreateIfMissing</c>), a scheduler name beginning with <c>pipelines</c>. Check-ins are short
/// so tests see them quickly; the misfire threshold is long so the other nodes do not recover (and delete) a stopped
/// node while a test looks at it.
/// </summary>
internal sealed class QuartzNode : IAsyncDisposable
{
    private readonly StandaloneSchedulerFactory _factory;

    private QuartzNode(StandaloneSchedulerFactory factory, IScheduler scheduler)
    {
        _factory = factory;
        Scheduler = scheduler;
    }

    public IScheduler Scheduler { get; }

    public string InstanceId => Scheduler.SchedulerInstanceId;

    public static async Task<QuartzNode> StartAsync(string connectionString, string name = "pipelines", int threads = 1, int checkInMs = 500)
    {
        var factory = QuartzSchedulerBuilder.Create(q => q
                .ConfigureScheduler(options =>
                {
                    options.InstanceName = name;
                    options.GenerateInstanceId = true;   // AUTO: host name and start time
                })
                .UseDefaultThreadPool(threads)
                .UsePersistentStore(store =>
                {
                    store.UsePostgres(connectionString);
                    store.ConfigureStore(options => options.TablePrefix = "qrtz_");
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = TimeSpan.FromMilliseconds(checkInMs);
                        cluster.CheckinMisfireThreshold = TimeSpan.FromMinutes(2);
                    });
                    store.ProvisionSchema();
                    store.UseSystemTextJsonSerializer();
                }))
            .Build();
        var scheduler = await factory.GetScheduler();
        await scheduler.Start();
        return new QuartzNode(factory, scheduler);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
    }
}

/// <summary>A job that blocks until its test releases it, noting which node runs it.</summary>
public sealed class BlockingJob : IJob
{
    public static readonly ConcurrentDictionary<string, string> RunningOn = new();
    public static SemaphoreSlim Release { get; set; } = new(0);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        RunningOn[context.JobDetail.Key.ToString()] = context.Scheduler.SchedulerInstanceId;
        await Release.WaitAsync(cancellationToken);
    }
}
