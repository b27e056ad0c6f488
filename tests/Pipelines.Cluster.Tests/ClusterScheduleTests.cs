using System.Text.RegularExpressions;
using Pipelines.Cluster.Tests.Support;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// Two services on one PostgreSQL both schedule a pipeline that fires every minute: the clustered job store fires each
/// scheduled time on one of them, and one run starts. (Each service is in a workspace of its own, as on two machines.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ClusterScheduleTests(PostgresServer server)
{
    [Fact]
    public async Task A_schedule_fires_once_per_cluster_not_once_per_service()
    {
        var connection = await server.CreateDatabaseAsync("schedule");
        using var first = new PostgresWorkspace(connection);
        using var second = new PostgresWorkspace(connection);
        const string Pipeline = """
            name: minutely
            on:
              schedule:
                - cron: "* * * * *"
            steps:
              - id: tick
                uses: bench/sleep
                with: { tag: "${{ trigger.scheduled_time }}" }
            """;
        first.Write("pipelines/minutely.yaml", Pipeline);
        second.Write("pipelines/minutely.yaml", Pipeline);
        string[] serve = ["-v", "serve", "--urls", "http://127.0.0.1:0", "--max-steps", "1", .. TestCluster.ShortCheckins];
        using var a = ClusterProcess.Start(first, "serve-a", serve);
        using var b = ClusterProcess.Start(second, "serve-b", serve);
        await a.WaitUntilJoinedAsync(TestCluster.JoinBound);
        await b.WaitUntilJoinedAsync(TestCluster.JoinBound);
        await using var cluster = new TestCluster(first);

        // The next whole minute after both have scheduled, then a few seconds for a second fire of it to show, were there one.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await cluster.ScalarAsync("SELECT count(*) FROM firings WHERE pipeline = 'minutely'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the schedule never fired\n{a.Output}\n{b.Output}");
            await Task.Delay(250);
        }
        var scheduled = (DateTime)(await cluster.ValueAsync("SELECT min(scheduled_time) FROM firings WHERE pipeline = 'minutely'"))!;
        await Task.Delay(TimeSpan.FromSeconds(8));

        var fires = Fired().Matches(a.Output + b.Output).Select(m => DateTime.Parse(m.Groups[1].Value).ToUniversalTime())
            .Count(t => t == scheduled);
        Assert.True(fires == 1, $"the fire for {scheduled:o} happened {fires} times\n--- a:\n{a.Output}\n--- b:\n{b.Output}");
        Assert.Equal(1, await cluster.ScalarAsync("SELECT count(*) FROM firings WHERE pipeline = 'minutely' AND scheduled_time = $1", scheduled));
        Assert.Equal(1, await cluster.ScalarAsync(
            "SELECT count(*) FROM runs r JOIN firings f ON f.run_id = r.run_id WHERE f.pipeline = 'minutely' AND f.scheduled_time = $1", scheduled));
    }

    [GeneratedRegex(@"Schedule of ""?minutely""? \(""?\* \* \* \* \*""?\) fired for (\S+?) on this node")]
    private static partial Regex Fired();
}
