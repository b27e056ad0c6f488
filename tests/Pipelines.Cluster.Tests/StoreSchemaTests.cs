using DuckDB.NET.Data;
using Npgsql;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// Every migration, applied to a DuckDB file and to a real PostgreSQL database, gives the same store: the same tables and
/// views, each with the same column names in the same order, of types that hold the same values.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreSchemaTests(PostgresServer server) : IDisposable
{
    private readonly string _duckDbRoot = Path.Combine(Path.GetTempPath(), "pipelines-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_duckDbRoot)) Directory.Delete(_duckDbRoot, recursive: true);
    }

    /// <summary>
    /// DuckDB's name of a column type and PostgreSQL's information_schema name of the type that stores the same values,
    /// from the two databases' documentation of their types.
    /// </summary>
    private static readonly Dictionary<string, string> SameType = new(StringComparer.Ordinal)
    {
        ["VARCHAR"] = "character varying",
        ["BIGINT"] = "bigint",
        ["INTEGER"] = "integer",
        ["DOUBLE"] = "double precision",
        ["BOOLEAN"] = "boolean",
        ["TIMESTAMP"] = "timestamp without time zone",
        ["DOUBLE[]"] = "double precision[]",
    };

    [Fact]
    public async Task Every_migration_gives_the_same_tables_views_and_columns_in_DuckDB_and_PostgreSQL()
    {
        using (PipelineStore.Open(_duckDbRoot, TimeSpan.Zero)) { }
        var postgres = new PostgresWorkspace(await server.CreateDatabaseAsync("schema"));
        using (var store = postgres.OpenStore()) Assert.Equal(StoreDatabase.KnownVersion, store.SchemaVersion);

        var duckDb = DuckDbSchema(new StoreLayout(_duckDbRoot).DatabasePath);
        var pg = await PostgresSchema(postgres.ConnectionString);

        Assert.Equal(duckDb.Keys.Order(), pg.Keys.Order());
        foreach (var (relation, (kind, columns)) in duckDb)
        {
            Assert.Equal((relation, kind), (relation, pg[relation].Kind));
            Assert.Equal($"{relation}: {string.Join(", ", columns.Select(c => c.Name))}", $"{relation}: {string.Join(", ", pg[relation].Columns.Select(c => c.Name))}");
            foreach (var (column, type) in columns)
                Assert.Equal((relation, column, SameType[type]), (relation, column, pg[relation].Columns.Single(c => c.Name == column).Type));
        }
        Assert.Contains("step_runs", duckDb.Keys);
        Assert.Contains(("node", "VARCHAR"), duckDb["step_runs"].Columns);
        Assert.Contains(("attempts", "INTEGER"), duckDb["step_runs"].Columns);
        Assert.Equal(StoreMigrations.All.Count, await Count(postgres.ConnectionString, "SELECT count(*) FROM schema_migrations"));
    }

    private static Dictionary<string, (string Kind, List<(string Name, string Type)> Columns)> DuckDbSchema(string path)
    {
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT t.table_name, t.table_type, c.column_name, c.data_type
            FROM information_schema.tables t JOIN information_schema.columns c USING (table_catalog, table_schema, table_name)
            WHERE t.table_schema = 'main' ORDER BY t.table_name, c.ordinal_position
            """;
        return Collect(command.ExecuteReader());
    }

    private static async Task<Dictionary<string, (string Kind, List<(string Name, string Type)> Columns)>> PostgresSchema(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT t.table_name, t.table_type, c.column_name,
                   CASE WHEN c.data_type = 'ARRAY' THEN format_type(a.atttypid, a.atttypmod) ELSE c.data_type END
            FROM information_schema.tables t
            JOIN information_schema.columns c USING (table_catalog, table_schema, table_name)
            JOIN pg_attribute a ON a.attrelid = (quote_ident(t.table_schema) || '.' || quote_ident(t.table_name))::regclass AND a.attname = c.column_name
            WHERE t.table_schema = 'public' ORDER BY t.table_name, c.ordinal_position
            """, connection);
        return Collect(await command.ExecuteReaderAsync());
    }

    private static Dictionary<string, (string Kind, List<(string Name, string Type)> Columns)> Collect(System.Data.Common.DbDataReader reader)
    {
        var relations = new Dictionary<string, (string Kind, List<(string Name, string Type)> Columns)>(StringComparer.Ordinal);
        using (reader)
        {
            while (reader.Read())
            {
                var name = reader.GetString(0);
                if (!relations.TryGetValue(name, out var relation))
                    relations[name] = relation = (reader.GetString(1) == "VIEW" ? "view" : "table", []);
                relation.Columns.Add((reader.GetString(2), reader.GetString(3)));
            }
        }
        return relations;
    }

    private static async Task<long> Count(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
