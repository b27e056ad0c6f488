using Npgsql;
using Pipelines.Abstractions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// PostgreSQL going away under a store: it reconnects with backoff and carries on when the server comes back soon enough,
/// and otherwise fails with a message naming the server; either way no record is half in the database. Restarting
/// disturbs everyone connected, so these tests have a server of their own.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private readonly PostgresServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Records_written_while_the_server_restarts_all_land_once_after_it_is_back()
    {
        using var workspace = new PostgresWorkspace(await _server.CreateDatabaseAsync("restart"));
        using var store = PipelineStore.OpenPostgres(workspace.Location, TimeSpan.FromMilliseconds(100));
        const int Records = 40;
        using var halfway = new SemaphoreSlim(0);

        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Records; i++)
            {
                Write(store, i);
                if (i == Records / 4) halfway.Release();
                Thread.Sleep(25);
            }
        });
        Assert.True(await halfway.WaitAsync(TimeSpan.FromSeconds(60)), "the writer never got going");
        await _server.RestartAsync(TimeSpan.FromSeconds(1));
        await writer.WaitAsync(TimeSpan.FromSeconds(90));

        var connection = workspace.ConnectionString;
        Assert.Equal([(long)Records], await StoreOpeningTests.Rows(connection, "SELECT count(*) FROM step_events"));
        Assert.Equal([(long)Records], await StoreOpeningTests.Rows(connection, "SELECT count(DISTINCT step_id) FROM step_events"));
        Assert.Equal([(long)Records], await StoreOpeningTests.Rows(connection, "SELECT count(*) FROM step_outputs"));
        Assert.Equal([(long)Records], await StoreOpeningTests.Rows(connection, "SELECT count(*) FROM events"));
        Assert.Equal(Records, store.StepRuns("run-r").Count);
    }

    [Fact]
    public async Task A_server_that_stays_away_fails_the_write_with_a_message_naming_it_and_nothing_half_written()
    {
        using var workspace = new PostgresWorkspace(await _server.CreateDatabaseAsync("away"));
        // Short waits: twelve attempts take about ten seconds, well inside the server's downtime.
        using var store = PipelineStore.OpenPostgres(workspace.Location, TimeSpan.FromMilliseconds(5));
        Write(store, 0);

        var restart = _server.RestartAsync(TimeSpan.FromSeconds(20));
        await WaitUntilRefused(workspace.ConnectionString);
        var failure = Assert.Throws<StoreUnavailableException>(() => Write(store, 1));
        await restart;

        Assert.Contains($"127.0.0.1:{_server.Port}", failure.Message);
        Assert.Contains("could not reconnect", failure.Message);
        Assert.DoesNotContain(_server.Password, failure.Message);
        Write(store, 2);
        Assert.Equal(["step-0", "step-2"], store.StepRuns("run-r").Select(s => s.StepId).Order());
        Assert.Equal([2L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM events"));
        Assert.Equal([2L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM step_outputs"));
    }

    private static void Write(PipelineStore store, int i)
    {
        var staged = store.Artifacts.Stage("run-r", $"step-{i}", "table", "bin");
        File.WriteAllBytes(staged.Path, BitConverter.GetBytes(i));
        var artifact = store.Artifacts.Commit(staged);
        store.CompleteStepRun(new StepRunRecord("run-r", $"step-{i}", "test/write", 1, StepStatus.Succeeded, null, null, 1, DateTime.UtcNow,
            DateTime.UtcNow, 1, null, null, null), [("table", artifact)], [], events: [new EventDraft("step.wrote", "/test", null, "run-r", $"step-{i}")]);
    }

    internal static async Task WaitUntilRefused(string connectionString)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await using var probe = new NpgsqlConnection(connectionString);
                await probe.OpenAsync();
            }
            catch (NpgsqlException)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the server never went away");
    }
}
