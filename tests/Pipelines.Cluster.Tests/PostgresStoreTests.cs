using Npgsql;
using Pipelines.Abstractions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// A step's record in the PostgreSQL store: committed before the call returns, in one transaction with its artifacts,
/// outputs, lineage and events, and naming the node and attempt that produced it. Several stores (processes) write one
/// database without colliding on sequence numbers or artifact rows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server)
{
    [Fact]
    public async Task A_finished_step_is_in_the_database_with_its_artifacts_events_node_and_attempt_when_the_call_returns()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("record"));
        using var store = workspace.OpenStore();
        var model = RegistryConcurrencyTests.Model(store, "weights");

        store.CompleteStepRun(new StepRunRecord("run-1", "score", "test/score", 1, StepStatus.Succeeded, "key-1", null, 2, DateTime.UtcNow,
                DateTime.UtcNow, 12.5, "{}", "{}", null), [("scores", model)], [model], madeHere: [],
            events: [new EventDraft("step.noticed", "/pipelines/p/runs/run-1/steps/score", "p", "run-1", "score")]);

        // Read through a connection of its own: what another process sees.
        await using var other = new NpgsqlConnection(workspace.ConnectionString);
        await other.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT status, attempts, node FROM step_runs WHERE run_id = 'run-1' AND step_id = 'score'", other);
        await using (var row = await read.ExecuteReaderAsync())
        {
            Assert.True(await row.ReadAsync());
            Assert.Equal(("succeeded", 2, $"{Environment.MachineName}:{Environment.ProcessId}"), (row.GetString(0), row.GetInt32(1), row.GetString(2)));
        }
        Assert.Equal([1L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM events WHERE type = 'step.noticed'"));
        Assert.Equal([1L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM artifacts"));
        Assert.Equal([1L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM step_outputs WHERE run_id = 'run-1'"));
        Assert.Equal("key-1", store.FindCached("key-1")!.CacheKey);
        Assert.Equal(store.Node, store.StepRuns("run-1").Single().Node);
    }

    [Fact]
    public async Task Three_stores_writing_one_database_at_once_keep_every_record_once_and_one_row_per_artifact()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("writers"));
        using (workspace.OpenStore()) { }
        var shared = new byte[] { 1, 2, 3 };

        await Task.WhenAll(Enumerable.Range(0, 3).Select(w => Task.Run(() =>
        {
            using var store = workspace.OpenStore();
            for (var i = 0; i < 20; i++)
            {
                var staged = store.Artifacts.Stage($"run-{w}", $"step-{i}", "table", "bin");
                File.WriteAllBytes(staged.Path, i % 2 == 0 ? shared : [(byte)w, (byte)i]);
                var artifact = store.Artifacts.Commit(staged);
                store.CompleteStepRun(new StepRunRecord($"run-{w}", $"step-{i}", "test/write", 1, StepStatus.Succeeded, null, null, 1, DateTime.UtcNow,
                    DateTime.UtcNow, 1, null, null, null), [("table", artifact)], [], events: [new EventDraft("step.wrote", "/test", null, $"run-{w}", $"step-{i}")]);
            }
        })));

        Assert.Equal([60L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(DISTINCT seq) FROM step_events"));
        Assert.Equal([60L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM events WHERE type = 'step.wrote'"));
        // One shared content, and two distinct ones per odd step of each writer.
        Assert.Equal([1L + 3 * 10], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM artifacts"));
        // Events became visible in sequence order: numbers are dense from the first.
        Assert.Equal([60L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT max(seq) - min(seq) + 1 FROM events"));
    }
}
