using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Engine.Cluster;
using Pipelines.Engine.Storage;
using Pipelines.Service.Cluster;
using Quartz;
using Quartz.Impl;

namespace Pipelines.Cli.Bench;

/// <summary>
/// What reading the cluster's status costs as the cluster grows: starts <c>nodes</c> clustered Quartz schedulers, built as
/// every node's is (<see cref="ClusterQuartz.Build"/>) but named <c>pipelines-bench</c>, in this process, gives them
/// <c>waiting</c> triggers due in an hour, and times <see cref="ClusterStatusQuery.Read(PipelineStore, TimeSpan, TimeProvider?)"/>
/// (its three statements) over <c>repeats</c> reads. Removes its jobs, stops its schedulers and deletes their check-in rows afterwards.
/// </summary>
internal static class ClusterStatusBenchmark
{
    public const string SchedulerName = ClusterQuartz.SchedulerName + "-bench";

    /// <summary>Nodes as the cluster builds them, checking in every second so they are all seen quickly; one thread each, never used.</summary>
    private static readonly ClusterSettings NodeSettings = new() { CheckinInterval = TimeSpan.FromSeconds(1), MaxSteps = 1 };

    private static readonly SimpleJobFactory IdleJobs = new(NullLoggerFactory.Instance);

    public sealed record Result(int Nodes, int Waiting, int NodesSeen, double P50Ms, double P99Ms, double MeanMs);

    public static async Task<Result> RunAsync(PipelineStore store, string connectionString, int nodes, int waiting, int repeats, CancellationToken cancellationToken)
    {
        var factories = new List<StandaloneSchedulerFactory>();
        try
        {
            var schedulers = new List<IScheduler>();
            for (var i = 0; i < nodes; i++)
            {
                var factory = ClusterQuartz.Build(connectionString, NodeSettings, IdleJobs, schedulerName: SchedulerName);
                factories.Add(factory);
                var scheduler = await factory.GetScheduler(cancellationToken);
                await scheduler.Start(cancellationToken);
                schedulers.Add(scheduler);
            }
            var group = $"bench-{Guid.NewGuid():N}";
            for (var j = 0; j < waiting; j++)
                await schedulers[0].ScheduleJob(JobBuilder.Create<IdleJob>().WithIdentity($"step-{j}", group).Build(),
                    TriggerBuilder.Create().WithIdentity($"step-{j}", group).StartAt(DateTimeOffset.UtcNow.AddHours(1)).Build(), cancellationToken: cancellationToken);
            // Every node has checked in at least once before timing starts.
            var seen = 0;
            for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(200, cancellationToken))
                if ((seen = ClusterStatusQuery.Read(store, ClusterNodeLiveness.DefaultThreshold).Nodes.Count(n => n.Scheduler == SchedulerName)) >= nodes) break;
            for (var i = 0; i < 5; i++) ClusterStatusQuery.Read(store, ClusterNodeLiveness.DefaultThreshold);
            var times = new double[repeats];
            for (var i = 0; i < repeats; i++)
            {
                var start = Stopwatch.GetTimestamp();
                ClusterStatusQuery.Read(store, ClusterNodeLiveness.DefaultThreshold);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            await schedulers[0].DeleteJobs(Enumerable.Range(0, waiting).Select(j => new JobKey($"step-{j}", group)).ToList(), cancellationToken);
            Array.Sort(times);
            return new Result(nodes, waiting, seen, times[times.Length / 2], NearestRank.Of(times, 0.99), times.Average());
        }
        finally
        {
            foreach (var factory in factories) await factory.DisposeAsync();
            // A stopped node keeps its row until another node of its scheduler recovers it; the next size starts clean.
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync(CancellationToken.None);
            await using var forget = new Npgsql.NpgsqlCommand("DELETE FROM qrtz_scheduler_state WHERE sched_name = $1", connection) { Parameters = { new() { Value = SchedulerName } } };
            await forget.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Never fires within a benchmark: its triggers are due an hour later.</summary>
    private sealed class IdleJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
