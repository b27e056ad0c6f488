using Npgsql;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// The tick step's explanation writer on a PostgreSQL store when the server goes away: it reconnects with the store's
/// backoff and copies its pending rows again, so every row lands exactly once; a server that stays away fails the commit
/// with a message naming the table and the server, and the rows wait for the next one. Restarting disturbs everyone
/// connected, so these tests share a server of their own (they run one after another), each in a database of its own.
/// </summary>
public sealed class PostgresExplanationRestartTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const int RanksPerTrade = 10;
    private readonly PostgresServer _server = server;

    [Fact]
    public async Task Explanations_committed_across_restarts_between_and_during_commits_are_all_stored_exactly_once()
    {
        using var workspace = new PostgresWorkspace(await _server.CreateDatabaseAsync("explain"));
        using var store = PipelineStore.OpenPostgres(workspace.Location, TimeSpan.FromMilliseconds(100));
        var writer = new StoreDecisionLog(store, "run-x", "infer").OpenExplanations("flow");
        var connection = workspace.ConnectionString;

        Append(writer, firstTrade: 0, trades: 50);
        writer.Commit();

        // Between two commits: the writer's connection is dead when the next commit starts.
        await _server.RestartAsync(TimeSpan.FromSeconds(1));
        Append(writer, firstTrade: 50, trades: 50);
        await Task.Run(writer.Commit).WaitAsync(TimeSpan.FromSeconds(90));

        // During a commit: a lock held elsewhere parks the writer inside its COPY, and the server goes while it waits.
        var locker = new NpgsqlConnection(connection);
        await locker.OpenAsync();
        await using (var lockTable = new NpgsqlCommand("BEGIN; LOCK TABLE decision_explanations IN ACCESS EXCLUSIVE MODE", locker))
            await lockTable.ExecuteNonQueryAsync();
        Append(writer, firstTrade: 100, trades: 50);
        var underWay = Task.Run(writer.Commit);
        await WaitUntilCopyWaitsForLock(connection);
        await _server.RestartAsync(TimeSpan.FromSeconds(1));
        await underWay.WaitAsync(TimeSpan.FromSeconds(90));
        await DisposeBroken(locker);

        Append(writer, firstTrade: 150, trades: 50);
        writer.Dispose();

        const long Rows = 200 * RanksPerTrade;
        Assert.Equal([Rows], await StoreOpeningTests.Rows(connection, "SELECT count(*) FROM decision_explanations"));
        Assert.Equal([Rows], await StoreOpeningTests.Rows(connection, "SELECT count(DISTINCT (trade_id, rank)) FROM decision_explanations"));
        // Each row is the one appended: its value is derived from its trade and rank.
        Assert.Equal([0L], await StoreOpeningTests.Rows(connection,
            "SELECT count(*) FROM decision_explanations WHERE shap_value <> trade_id * 100 + rank OR feature <> 'f' || rank " +
            "OR run_id <> 'run-x' OR step_id <> 'infer' OR model <> 'flow' OR model_version <> 3 OR trade_id NOT BETWEEN 0 AND 199"));
    }

    [Fact]
    public async Task A_server_that_stays_away_fails_the_commit_naming_the_table_and_the_server_and_the_rows_land_once_later()
    {
        using var workspace = new PostgresWorkspace(await _server.CreateDatabaseAsync("explainaway"));
        // Short waits: twelve attempts take about ten seconds, well inside the server's downtime.
        using var store = PipelineStore.OpenPostgres(workspace.Location, TimeSpan.FromMilliseconds(5));
        using var writer = (PostgresExplanationWriter)new StoreDecisionLog(store, "run-x", "infer").OpenExplanations("flow");
        Append(writer, firstTrade: 0, trades: 3);
        writer.Commit();

        var restart = _server.RestartAsync(TimeSpan.FromSeconds(20));
        StoreUnavailableException failure;
        try
        {
            await PostgresRestartTests.WaitUntilRefused(workspace.ConnectionString);
            Append(writer, firstTrade: 3, trades: 2);
            failure = Assert.Throws<StoreUnavailableException>(writer.Commit);
        }
        finally
        {
            // The server the class shares is back for the next test whatever happened here.
            await restart;
        }

        Assert.Contains("20 explanation row(s)", failure.Message);
        Assert.Contains("decision_explanations", failure.Message);
        Assert.Contains($"127.0.0.1:{_server.Port}", failure.Message);
        Assert.Contains("could not reconnect", failure.Message);
        Assert.DoesNotContain(_server.Password, failure.Message);
        Assert.Equal(20, writer.Pending);

        writer.Commit();
        Assert.Equal(0, writer.Pending);
        Assert.Equal([5L * RanksPerTrade], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM decision_explanations"));
        Assert.Equal([5L * RanksPerTrade],
            await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(DISTINCT (trade_id, rank)) FROM decision_explanations"));
    }

    [Fact]
    public async Task A_row_the_server_refuses_fails_the_commit_at_once_without_waiting_for_reconnections()
    {
        using var workspace = new PostgresWorkspace(await _server.CreateDatabaseAsync("explainrefused"));
        // A wait of ten minutes before any retry: a refusal taken for a lost connection would hang far past the bound below.
        using var store = PipelineStore.OpenPostgres(workspace.Location, TimeSpan.FromMinutes(10));
        await StoreOpeningTests.Execute(workspace.ConnectionString, "ALTER TABLE decision_explanations ADD CONSTRAINT rank_from_one CHECK (rank >= 1)");
        var writer = new StoreDecisionLog(store, "run-x", "infer").OpenExplanations("flow");
        writer.Append(1, 3, "f1", 0.5, 1);
        writer.Append(1, 3, "f0", 0.25, 0);

        var failure = await Assert.ThrowsAsync<PostgresException>(() => Task.Run(writer.Commit).WaitAsync(TimeSpan.FromSeconds(60)));
        writer.Dispose();

        Assert.Equal(PostgresErrorCodes.CheckViolation, failure.SqlState);
        Assert.Equal([0L], await StoreOpeningTests.Rows(workspace.ConnectionString, "SELECT count(*) FROM decision_explanations"));
    }

    /// <summary>Trades <paramref name="firstTrade"/>.. with ranks 1..10 each; a row's value and feature follow from its trade and rank.</summary>
    private static void Append(Pipelines.Abstractions.IExplanationWriter writer, long firstTrade, int trades)
    {
        for (var trade = firstTrade; trade < firstTrade + trades; trade++)
        for (var rank = 1; rank <= RanksPerTrade; rank++)
            writer.Append(trade, 3, $"f{rank}", trade * 100.0 + rank, rank);
    }

    private static async Task WaitUntilCopyWaitsForLock(string connectionString)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var waiting = await StoreOpeningTests.Rows(connectionString,
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY decision_explanations%'");
            if (waiting[0] > 0) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("the writer's COPY never waited for the lock");
    }

    private static async Task DisposeBroken(NpgsqlConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (NpgsqlException)
        {
            // Its server restarted under it; there is nothing to close.
        }
    }
}
