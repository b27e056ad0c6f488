using Pipelines.Cluster.Tests.Support;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// Clustered execution with real processes: a <c>serve</c> and three <c>worker</c>s on one PostgreSQL, twenty runs of a
/// pipeline whose steps take seconds, and a worker killed (SIGKILL) while it runs a step. Quartz recovers the step on
/// another node once the dead one misses its check-in; the step's guarded commit lets one delivery's results land.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterFailoverTests(PostgresServer server)
{
    internal const string Chain = """
        name: chain
        params:
          n: 0
        steps:
          - id: a
            uses: bench/sleep
            with: { tag: "a-${{ params.n }}", seconds: 2 }
          - id: b
            uses: bench/sleep
            with: { tag: "b-${{ params.n }}", seconds: 2, after: ["${{ steps.a.outputs.marker }}"] }
          - id: c
            uses: bench/sleep
            with: { tag: "c-${{ params.n }}", seconds: 2, after: ["${{ steps.b.outputs.marker }}"] }
        """;

    [Fact]
    public async Task A_worker_killed_mid_step_has_its_step_run_again_elsewhere_and_every_run_succeeds_exactly_once()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("failover"));
        workspace.Write("pipelines/chain.yaml", Chain);
        await using var cluster = new TestCluster(workspace);
        await cluster.StartAsync(workers: 3);

        var runs = new List<string>();
        for (var n = 1; n <= 20; n++) runs.Add(await cluster.StartRunAsync("chain", new Dictionary<string, object> { ["n"] = n }));

        // A worker while it runs a step: its node holds a delivery of a step that has not completed.
        var victim = cluster.Workers[0];
        var deadline = DateTime.UtcNow.AddMinutes(2);
        object?[]? held;
        while ((held = (await cluster.RowsAsync(
                   "SELECT run_id, step_id FROM step_dispatch WHERE node = $1 AND completed_at IS NULL AND started_at IS NOT NULL LIMIT 1",
                   victim.InstanceId!)).FirstOrDefault()) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{victim.Name} ({victim.InstanceId}) never ran a step\n{cluster.Describe()}");
            await Task.Delay(100);
        }
        victim.Kill();
        var (killedRun, killedStep) = ((string)held[0]!, (string)held[1]!);

        await cluster.WaitUntilEndedAsync(runs, TimeSpan.FromMinutes(4));

        var ids = TestCluster.Quoted(runs);
        Assert.Equal(20, await cluster.ScalarAsync($"SELECT count(*) FROM runs WHERE status = 'succeeded' AND run_id IN ({ids})"));
        // Decided once: one run.succeeded event per run, and no other ending.
        Assert.Equal(20, await cluster.ScalarAsync($"SELECT count(*) FROM events WHERE type = 'run.succeeded' AND run_id IN ({ids})"));
        Assert.Equal(20, await cluster.ScalarAsync($"SELECT count(DISTINCT run_id) FROM events WHERE type = 'run.succeeded' AND run_id IN ({ids})"));
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT count(*) FROM events WHERE type IN ('run.failed', 'run.cancelled')"));

        // The killed step ran again on another node, as a later delivery, and that delivery's results are the step's.
        var killed = (await cluster.RowsAsync(
            "SELECT deliveries, node, status FROM step_dispatch WHERE run_id = $1 AND step_id = $2", killedRun, killedStep)).Single();
        Assert.True((int)killed[0]! >= 2, $"step {killedStep} of {killedRun} was delivered {killed[0]} time(s)");
        Assert.NotEqual(victim.InstanceId, killed[1]);
        Assert.Equal("succeeded", killed[2]);
        var record = (await cluster.RowsAsync("SELECT status, node, attempt FROM step_runs WHERE run_id = $1 AND step_id = $2", killedRun, killedStep)).Single();
        Assert.Equal("succeeded", record[0]);
        Assert.NotEqual(victim.InstanceId, record[1]);
        Assert.True((int)record[2]! >= 2);

        // Results landed once: one final record, one output row per step, one artifact row per content, lineage complete.
        Assert.Equal(0, await cluster.ScalarAsync(
            $"SELECT count(*) FROM (SELECT run_id, step_id FROM step_events WHERE status IN ('succeeded', 'failed', 'cached') AND run_id IN ({ids}) GROUP BY run_id, step_id HAVING count(*) > 1) twice"));
        Assert.Equal(60, await cluster.ScalarAsync($"SELECT count(*) FROM step_runs WHERE status = 'succeeded' AND run_id IN ({ids})"));
        Assert.Equal(60, await cluster.ScalarAsync($"SELECT count(*) FROM step_outputs WHERE run_id IN ({ids})"));
        Assert.Equal(60, await cluster.ScalarAsync($"SELECT count(DISTINCT sha256) FROM step_outputs WHERE run_id IN ({ids})"));
        Assert.Equal(60, await cluster.ScalarAsync($"SELECT count(*) FROM artifacts WHERE produced_by_run IN ({ids})"));
        Assert.Equal(40, await cluster.ScalarAsync($"SELECT count(*) FROM lineage WHERE run_id IN ({ids})"));
        Assert.Equal(40, await cluster.ScalarAsync(
            $"SELECT count(*) FROM lineage l JOIN step_outputs p ON p.sha256 = l.parent_sha256 JOIN step_outputs c ON c.sha256 = l.child_sha256 " +
            $"WHERE l.run_id IN ({ids}) AND p.run_id = l.run_id AND c.run_id = l.run_id AND c.step_id = l.step_id"));
        // Every step ran on a node of the cluster, and the steps spread over more than one.
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT count(*) FROM step_runs WHERE run_id IN ({ids}) AND (node IS NULL OR attempt IS NULL)"));
        Assert.True(await cluster.ScalarAsync($"SELECT count(DISTINCT node) FROM step_runs WHERE run_id IN ({ids})") >= 3);
        // No node ran more steps at once than its --max-steps (the serve 1, each worker 2), by the records' own times.
        var spans = await cluster.RowsAsync($"SELECT node, started_at, finished_at FROM step_runs WHERE run_id IN ({ids})");
        foreach (var node in spans.GroupBy(s => (string)s[0]!))
        {
            var limit = node.Key == cluster.Serve!.InstanceId ? 1 : 2;
            var most = node.Max(s => node.Count(o => (DateTime)o[1]! < (DateTime)s[2]! && (DateTime)s[1]! < (DateTime)o[2]! && (DateTime)o[1]! <= (DateTime)s[1]!));
            Assert.True(most <= limit, $"{node.Key} ran {most} steps at once (limit {limit})");
        }
    }
}
