using System.Net;
using System.Net.Sockets;
using Npgsql;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// Processes that open one PostgreSQL store together migrate it once; a store that cannot be used (unreachable, wrong
/// credentials, a newer schema) stops the command with a clear message and exit code 3, having written nothing, and no
/// message ever shows the password.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreOpeningTests(PostgresServer server)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Four_processes_starting_together_on_an_empty_database_migrate_it_once()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("migrate"));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => workspace.RunAsync(Bound, "runs")));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.All));
        var versions = await Rows(workspace.ConnectionString, "SELECT version FROM schema_migrations ORDER BY version");
        Assert.Equal(StoreMigrations.All.Select(m => (long)m.Version), versions);
    }

    [Fact]
    public async Task A_schema_newer_than_the_program_is_refused_with_exit_code_3_and_nothing_written()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("newer"));
        using (workspace.OpenStore()) { }
        var future = StoreDatabase.KnownVersion + 7;
        await Execute(workspace.ConnectionString, $"INSERT INTO schema_migrations VALUES ({future}, 'from a newer pipelines', now())");
        var before = await Rows(workspace.ConnectionString, "SELECT count(*) FROM runs UNION ALL SELECT count(*) FROM events UNION ALL SELECT count(*) FROM schema_migrations");
        workspace.Write("data/rows.csv", "x,y\n1,2\n");
        workspace.Write("pipelines/nothing.yaml", "name: nothing\nsteps:\n  - id: rows\n    uses: ingest/csv\n    with:\n      path: data/rows.csv\n");

        var result = await workspace.RunAsync(Bound, "run", "pipelines/nothing.yaml");

        Assert.True(result.ExitCode == 3, result.All);
        Assert.Contains($"schema version {future}", result.Error);
        Assert.Contains($"up to {StoreDatabase.KnownVersion}", result.Error);
        Assert.Equal(before, await Rows(workspace.ConnectionString,
            "SELECT count(*) FROM runs UNION ALL SELECT count(*) FROM events UNION ALL SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task An_unreachable_server_is_named_by_host_port_and_user_with_exit_code_3()
    {
        var closedPort = ClosedLoopbackPort();
        var secret = "s3cret-" + Guid.NewGuid().ToString("N")[..8];
        var unreachable = $"Host=127.0.0.1;Port={closedPort};Database=nowhere;Username=pipelines_user;Password={secret}";
        using var workspace = new PostgresWorkspace(unreachable);

        var result = await workspace.RunAsync(Bound, "runs");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"127.0.0.1:{closedPort}", result.Error);
        Assert.Contains("user pipelines_user", result.Error);
        Assert.Contains("cannot be reached", result.Error);
        Assert.DoesNotContain(secret, result.All);
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_exit_code_3_without_showing_the_password_and_nothing_is_written()
    {
        var database = await server.CreateDatabaseAsync("credentials");
        var wrongPassword = "not-" + server.Password;
        using var workspace = new PostgresWorkspace(new NpgsqlConnectionStringBuilder(database) { Password = wrongPassword }.ConnectionString);

        var result = await workspace.RunAsync(Bound, "runs");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"127.0.0.1:{server.Port}", result.Error);
        Assert.Contains($"user {PostgresServer.SuperUser}", result.Error);
        Assert.Contains("refused the user name or password", result.Error);
        Assert.DoesNotContain(wrongPassword, result.All);
        Assert.DoesNotContain(server.Password, result.All);
        Assert.Equal([0L], await Rows(database, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }

    [Fact]
    public async Task Postgres_without_its_connection_variable_is_an_ml_yaml_error_at_the_key()
    {
        using var workspace = new PostgresWorkspace("unused");

        var result = await PipelinesProcess.RunAsync(workspace.Root, new Dictionary<string, string?> { [PostgresWorkspace.ConnectionVariable] = null }, Bound, "runs");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ml.yaml:3:", result.Error);
        Assert.Contains("PIPELINES_PG is not set", result.Error);
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task<List<long>> Rows(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<long>();
        while (await reader.ReadAsync()) rows.Add(Convert.ToInt64(reader.GetValue(0)));
        return rows;
    }

    internal static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
