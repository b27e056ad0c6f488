using Pipelines.Cluster.Tests.Support;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// PostgreSQL restarted under a running cluster: the nodes reconnect (the store with its backoff, Quartz with its retry
/// interval), every run ends — succeeded, or failed with a message — and nothing is half-written: each step's result is
/// whole (record, outputs, artifact rows) or absent. Restarting disturbs everyone connected, so it has a server of its own.
/// </summary>
public sealed class ClusterRestartTests : IAsyncLifetime
{
    private readonly PostgresServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Runs_going_while_PostgreSQL_restarts_all_end_and_nothing_is_half_written()
    {
        using var workspace = new PostgresWorkspace(await _server.CreateDatabaseAsync("restart"));
        workspace.Write("pipelines/chain.yaml", ClusterFailoverTests.Chain);
        await using var cluster = new TestCluster(workspace);
        await cluster.StartAsync(workers: 2);
        var runs = new List<string>();
        for (var n = 1; n <= 6; n++) runs.Add(await cluster.StartRunAsync("chain", new Dictionary<string, object> { ["n"] = n }));
        var ids = TestCluster.Quoted(runs);

        // Mid-run: some steps done, others running.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await cluster.ScalarAsync($"SELECT count(*) FROM step_dispatch WHERE completed_at IS NOT NULL AND run_id IN ({ids})") < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no steps completed\n{cluster.Describe()}");
            await Task.Delay(100);
        }
        await _server.RestartAsync(TimeSpan.FromSeconds(2));

        await cluster.WaitUntilEndedAsync(runs, TimeSpan.FromMinutes(4));

        foreach (var row in await cluster.RowsAsync($"SELECT run_id, status, error FROM runs WHERE run_id IN ({ids})"))
            Assert.True((string)row[1]! == "succeeded" || (string)row[1]! == "failed" && !string.IsNullOrWhiteSpace((string?)row[2]),
                $"run {row[0]} ended {row[1]}: {row[2]}\n{cluster.Describe()}");
        Assert.True(await cluster.ScalarAsync($"SELECT count(*) FROM runs WHERE status = 'succeeded' AND run_id IN ({ids})") >= 1);
        // Whole or absent: one final record per step; a succeeded step has its output row and artifact row, and no output
        // row belongs to a step without a succeeded record; the dispatch rows agree with the records.
        Assert.Equal(0, await cluster.ScalarAsync(
            $"SELECT count(*) FROM (SELECT run_id, step_id FROM step_events WHERE status IN ('succeeded', 'failed', 'cached', 'skipped') AND run_id IN ({ids}) GROUP BY run_id, step_id HAVING count(*) > 1) twice"));
        Assert.Equal(0, await cluster.ScalarAsync(
            $"SELECT count(*) FROM step_runs s WHERE s.status = 'succeeded' AND s.run_id IN ({ids}) AND NOT EXISTS " +
            "(SELECT 1 FROM step_outputs o JOIN artifacts a USING (sha256) WHERE o.run_id = s.run_id AND o.step_id = s.step_id)"));
        Assert.Equal(0, await cluster.ScalarAsync(
            $"SELECT count(*) FROM step_outputs o WHERE o.run_id IN ({ids}) AND NOT EXISTS " +
            "(SELECT 1 FROM step_runs s WHERE s.run_id = o.run_id AND s.step_id = o.step_id AND s.status = 'succeeded')"));
        Assert.Equal(0, await cluster.ScalarAsync(
            $"SELECT count(*) FROM step_dispatch d JOIN step_runs s USING (run_id, step_id) WHERE d.run_id IN ({ids}) AND d.status IS DISTINCT FROM s.status"));
    }
}
