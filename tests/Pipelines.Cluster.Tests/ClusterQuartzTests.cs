using Pipelines.Cluster.Tests.Support;
using Pipelines.Service.Cluster;
using Quartz;
using Quartz.Extensibility;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// The cluster's Quartz configuration on its own: nodes that start together on an empty database all come up, Quartz
/// creating its tables once (<see cref="SchemaProvisioning.CreateIfMissing"/>), and each joins as a node of its own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterQuartzTests(PostgresServer server)
{
    [Fact]
    public async Task Four_nodes_starting_together_on_an_empty_database_create_Quartz_tables_once_and_all_join()
    {
        var connection = await server.CreateDatabaseAsync("quartz");
        var settings = new ClusterSettings { CheckinInterval = TimeSpan.FromSeconds(1), CheckinMisfireThreshold = TimeSpan.FromSeconds(2), MaxSteps = 1 };
        var factories = Enumerable.Range(0, 4).Select(_ => ClusterQuartz.Build(connection, settings, new NoJobs())).ToList();
        try
        {
            var schedulers = await Task.WhenAll(factories.Select(async f =>
            {
                var scheduler = await f.GetScheduler();
                await scheduler.Start();
                return scheduler;
            }));

            Assert.All(schedulers, s => Assert.True(s.Status == SchedulerStatus.Running));
            Assert.Equal(4, schedulers.Select(s => s.SchedulerInstanceId).Distinct().Count());
            var tables = await StoreOpeningTests.Rows(connection,
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('qrtz_locks', 'qrtz_triggers', 'qrtz_job_details', 'qrtz_fired_triggers', 'qrtz_scheduler_state')");
            Assert.Equal([5L], tables);
            // Every node checks in under the one scheduler name the contract gives.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await StoreOpeningTests.Rows(connection, $"SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = '{ClusterQuartz.SchedulerName}'"))[0] < 4)
            {
                Assert.True(DateTime.UtcNow < deadline, "not every node checked in");
                await Task.Delay(100);
            }
        }
        finally
        {
            foreach (var factory in factories) await factory.DisposeAsync();
        }
    }

    private sealed class NoJobs : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken) =>
            throw new SchedulerException("this test schedules no jobs");

        public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
