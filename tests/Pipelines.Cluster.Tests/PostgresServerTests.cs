using System.Net;
using System.Net.Sockets;
using Npgsql;
using Pipelines.Cluster.Tests.Support;

namespace Pipelines.Cluster.Tests;

/// <summary>The PostgreSQL server the cluster tests share is a real, private one, and its databases keep tests apart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task A_query_runs_on_PostgreSQL_15_listening_on_the_fixtures_own_port_and_directory()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();

        Assert.Equal(15, connection.PostgreSqlVersion.Major);
        Assert.Equal(server.Port.ToString(), await Scalar(connection, "SHOW port"));
        Assert.Equal(server.DataDirectory, await Scalar(connection, "SHOW data_directory"));
        Assert.Equal("127.0.0.1", await Scalar(connection, "SHOW listen_addresses"));
        Assert.Equal("42", await Scalar(connection, "SELECT (6 * 7)::text"));
    }

    [Fact]
    public async Task Two_databases_do_not_see_each_others_tables()
    {
        var first = await server.CreateDatabaseAsync("isolation");
        var second = await server.CreateDatabaseAsync("isolation");
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            await Execute(connection, "CREATE TABLE runs (id int PRIMARY KEY); INSERT INTO runs VALUES (1), (2)");
        }
        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync();
            Assert.Equal("", await Scalar(connection, "SELECT coalesce(to_regclass('runs')::text, '')"));
            // The same name is free here, and what goes in stays here.
            await Execute(connection, "CREATE TABLE runs (id int PRIMARY KEY); INSERT INTO runs VALUES (7)");
            Assert.Equal("1", await Scalar(connection, "SELECT count(*)::text FROM runs"));
        }
        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            Assert.Equal("1,2", await Scalar(connection, "SELECT string_agg(id::text, ',' ORDER BY id) FROM runs"));
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused_over_TCP()
    {
        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString()) { Password = "not-" + server.Password }.ConnectionString;
        await using var connection = new NpgsqlConnection(wrong);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task A_database_name_that_is_not_a_plain_identifier_is_refused_before_reaching_the_server()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => server.CreateDatabaseAsync("x\"; DROP DATABASE postgres; --"));
        Assert.Contains("not a lowercase identifier", refused.Message);
    }

    internal static async Task<string> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync()) ?? "";
    }

    internal static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// A server's end: after dispose nothing of it is left, also when the code using it failed. These tests start
/// servers of their own (not the collection's) so they can watch one go.
/// </summary>
public sealed class PostgresServerLifetimeTests
{
    [Fact]
    public async Task After_dispose_the_port_is_closed_the_process_gone_and_the_directory_deleted()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        var (port, processId, root) = (server.Port, server.ProcessId, server.RootDirectory);
        Assert.True(await Accepts(port), "the started server should accept TCP connections");
        Assert.True(PostgresServer.IsAlive(processId));
        Assert.True(Directory.Exists(Path.Combine(root, "data")));

        await server.DisposeAsync();

        Assert.False(await Accepts(port), $"port {port} still accepts connections after dispose");
        Assert.False(PostgresServer.IsAlive(processId), $"postmaster {processId} still runs after dispose");
        Assert.False(Directory.Exists(root), $"{root} still exists after dispose");
    }

    [Fact]
    public async Task A_failure_inside_the_using_block_still_stops_the_server()
    {
        int port = 0, processId = 0;
        string root = "";
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var server = new PostgresServer();
            await server.InitializeAsync();
            (port, processId, root) = (server.Port, server.ProcessId, server.RootDirectory);
            await using var connection = new NpgsqlConnection(server.ConnectionString());
            await connection.OpenAsync();
            throw new InvalidOperationException("the test failed here");
        });

        Assert.Equal("the test failed here", failure.Message);
        Assert.NotEqual(0, port);
        Assert.False(await Accepts(port));
        Assert.False(PostgresServer.IsAlive(processId));
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task A_restart_keeps_the_port_and_the_committed_data_and_ends_the_old_sessions()
    {
        await using var server = new PostgresServer();
        await server.InitializeAsync();
        var (port, processId) = (server.Port, server.ProcessId);
        var database = await server.CreateDatabaseAsync("restart");
        var before = new NpgsqlConnection(database);
        await before.OpenAsync();
        await PostgresServerTests.Execute(before, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");

        await server.RestartAsync(TimeSpan.FromMilliseconds(200));

        Assert.Equal(port, server.Port);
        Assert.NotEqual(processId, server.ProcessId);
        Assert.False(PostgresServer.IsAlive(processId));
        await Assert.ThrowsAnyAsync<Exception>(() => PostgresServerTests.Scalar(before, "SELECT 1"));
        await before.DisposeAsync();
        await using var after = new NpgsqlConnection(database);
        await after.OpenAsync();
        Assert.Equal("1", await PostgresServerTests.Scalar(after, "SELECT count(*)::text FROM kept"));
    }

    [Fact]
    public async Task A_server_whose_test_host_died_is_stopped_and_deleted_by_the_next_server_to_start()
    {
        await using var orphan = new PostgresServer();
        await orphan.InitializeAsync();
        var (port, processId, root) = (orphan.Port, orphan.ProcessId, orphan.RootDirectory);
        // Make the owner a process that has ended, as a test host killed with SIGKILL would be.
        using (var ended = System.Diagnostics.Process.Start("true")) { await ended.WaitForExitAsync(); File.WriteAllText(Path.Combine(root, PostgresServer.OwnerFileName), ended.Id.ToString()); }
        Assert.Contains(root, OrphanedServers.Find());

        await using (var next = new PostgresServer())
        {
            await next.InitializeAsync();
            Assert.NotEqual(root, next.RootDirectory);
            Assert.DoesNotContain(next.RootDirectory, OrphanedServers.Find());
        }

        Assert.False(await Accepts(port), $"the orphan's port {port} still accepts connections");
        Assert.False(PostgresServer.IsAlive(processId));
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void Missing_binaries_are_named_with_how_to_install_them()
    {
        var empty = Directory.CreateTempSubdirectory("pipelines-no-pg-");
        try
        {
            File.WriteAllText(Path.Combine(empty.FullName, "pg_ctl"), "");
            Assert.Equal(["initdb", "postgres"], PostgresBinaries.Missing(empty.FullName));

            var message = PostgresBinaries.MissingMessage(empty.FullName, ranAsRoot: false);
            Assert.Contains(Path.Combine(empty.FullName, "initdb"), message);
            Assert.Contains(Path.Combine(empty.FullName, "postgres"), message);
            Assert.DoesNotContain(Path.Combine(empty.FullName, "pg_ctl"), message);
            Assert.Contains("apt-get install -y postgresql-15", message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static async Task<bool> Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (Exception error) when (error is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
