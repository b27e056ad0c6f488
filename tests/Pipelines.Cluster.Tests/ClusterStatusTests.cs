using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Cluster;
using Pipelines.Engine.Storage;
using Quartz;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// <c>pipelines cluster status</c>, <c>GET /api/v1/cluster/status</c> and the home page read the cluster from Quartz's own
/// tables: real clustered schedulers on the test PostgreSQL, jobs that block, a node that stops checking in.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterStatusTests(PostgresServer server)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const string RunId = "20261206-101010-abcdef";

    [Fact]
    public void A_node_is_alive_until_its_check_in_is_later_than_its_interval_plus_the_threshold()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var checkIn = clock.GetUtcNow();
        var interval = TimeSpan.FromSeconds(7.5);
        var threshold = ClusterNodeLiveness.DefaultThreshold;
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True(ClusterNodeLiveness.IsAlive(checkIn, interval, clock.GetUtcNow(), threshold));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(ClusterNodeLiveness.IsAlive(checkIn, interval, clock.GetUtcNow(), threshold));
    }

    [Fact]
    public async Task With_a_DuckDB_store_the_status_says_plainly_that_there_is_no_cluster()
    {
        var root = Directory.CreateTempSubdirectory("pipelines-nocluster-").FullName;
        try
        {
            var text = await PipelinesProcess.RunAsync(root, new Dictionary<string, string?>(), Bound, "cluster", "status");
            Assert.True(text.ExitCode == 0, text.All);
            Assert.Contains("no cluster: the store is a DuckDB file", text.Output);
            using var store = PipelineStore.Open(Path.Combine(root, ".pipelines"), TimeSpan.FromSeconds(10));
            await using var api = await ApiOnStore.StartAsync(root, store);
            var status = await api.GetJson("/api/v1/cluster/status");
            Assert.False(status["clustered"]!.GetValue<bool>());
            Assert.Empty(status["nodes"]!.AsArray());
            Assert.Contains("no cluster: the store is a DuckDB file", await api.Client.GetStringAsync("/"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_status_shows_the_nodes_the_steps_running_on_them_the_queue_and_a_node_that_stopped_checking_in()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("quartz"));
        using var store = workspace.OpenStore();
        var before = ClusterStatusQuery.Read(store, TimeSpan.FromSeconds(1));
        Assert.True(before.Clustered);
        Assert.Empty(before.Nodes);
        Assert.Contains("no node has joined", before.Note);

        BlockingJob.Release = new SemaphoreSlim(0);
        await using var first = await QuartzNode.StartAsync(workspace.ConnectionString);
        await using var second = await QuartzNode.StartAsync(workspace.ConnectionString);
        // Another application's scheduler in the same tables is not part of this cluster.
        await using var foreign = await QuartzNode.StartAsync(workspace.ConnectionString, name: "billing");
        Assert.NotEqual(first.InstanceId, second.InstanceId);

        // Five steps of one run; each node runs one at a time, so two run and three wait in the queue.
        for (var step = 1; step <= 5; step++)
        {
            var job = JobBuilder.Create<BlockingJob>().WithIdentity($"step-{step}", RunId).RequestRecovery().Build();
            await first.Scheduler.ScheduleJob(job, TriggerBuilder.Create().WithIdentity($"step-{step}", RunId).StartNow().Build());
        }
        var status = await Eventually(store, TimeSpan.FromSeconds(2),
            s => s.Running.Count(r => r.State == "EXECUTING") == 2 && s.QueueDepth == 3, "two steps running and three queued");

        Assert.Equal([first.InstanceId, second.InstanceId], status.Nodes.Select(n => n.InstanceId).Order());
        Assert.All(status.Nodes, n => Assert.Equal(("pipelines", true, 1, TimeSpan.FromMilliseconds(500)), (n.Scheduler, n.Alive, n.Running, n.CheckInInterval)));
        Assert.All(status.Running, r => Assert.Equal(RunId, r.RunId));
        Assert.Equal(status.Running.Select(r => r.Node).Order(), status.Nodes.Select(n => n.InstanceId).Order());
        Assert.Equal(BlockingJob.RunningOn.Where(j => j.Key.StartsWith(RunId)).Select(j => (j.Key[(RunId.Length + 1)..], j.Value)).Order(),
            status.Running.Select(r => (r.StepId!, r.Node)).Order());
        Assert.All(status.Running, r => Assert.InRange(r.Since, DateTimeOffset.UtcNow - Bound, DateTimeOffset.UtcNow));
        Assert.Equal(new SchedulerQueue("pipelines", 3, 0, 0, 0, 0), Assert.Single(status.Queues));

        // The command, the API and the home page say the same.
        var text = await workspace.RunAsync(Bound, "cluster", "status", "--threshold", "5");
        Assert.True(text.ExitCode == 0, text.All);
        Assert.Contains(first.InstanceId, text.Output);
        Assert.Contains(second.InstanceId, text.Output);
        Assert.Contains(RunId, text.Output);
        Assert.Contains("2 of 2 node(s) alive (threshold 5 s), 2 step(s) running, queue depth 3", text.Output);
        var json = JsonNode.Parse((await workspace.RunAsync(Bound, "cluster", "status", "--json")).Output)!;
        Assert.Equal(3, json["queueDepth"]!.GetValue<int>());
        await using (var api = await ApiOnStore.StartAsync(workspace.Root, store))
        {
            var response = await api.GetJson("/api/v1/cluster/status?threshold=5");
            Assert.True(response["clustered"]!.GetValue<bool>());
            Assert.Equal(2, response["nodes"]!.AsArray().Count);
            Assert.Equal(2, response["running"]!.AsArray().Count(r => r!["runId"]!.GetValue<string>() == RunId));
            var page = await api.Client.GetStringAsync("/");
            Assert.Contains($"<tr data-node=\"{first.InstanceId}\">", page);
            Assert.Contains("queue-depth\">3<", page);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await api.Client.GetAsync("/api/v1/cluster/status?threshold=soon")).StatusCode);
        }

        // The second node stops checking in: after its interval and the threshold it is shown as not alive, the first still is.
        await second.Scheduler.Shutdown(false, CancellationToken.None);
        var stopped = await Eventually(store, TimeSpan.FromSeconds(1),
            s => s.Nodes.Any(n => n.InstanceId == second.InstanceId && !n.Alive), "the stopped node shown as not alive");
        Assert.True(stopped.Nodes.Single(n => n.InstanceId == first.InstanceId).Alive);
        var dead = stopped.Nodes.Single(n => n.InstanceId == second.InstanceId);
        Assert.True(stopped.At - dead.LastCheckIn > dead.CheckInInterval + TimeSpan.FromSeconds(1));
        BlockingJob.Release.Release(10);
    }

    /// <summary>Reads the status until <paramref name="condition"/> holds, within <see cref="Bound"/>.</summary>
    private static async Task<ClusterStatus> Eventually(PipelineStore store, TimeSpan threshold, Func<ClusterStatus, bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var status = ClusterStatusQuery.Read(store, threshold);
            if (condition(status)) return status;
            if (waited.Elapsed > Bound)
                Assert.Fail($"not {what} within {Bound}: nodes {string.Join(", ", status.Nodes)}; running {string.Join(", ", status.Running)}; queues {string.Join(", ", status.Queues)}");
            await Task.Delay(100);
        }
    }
}
