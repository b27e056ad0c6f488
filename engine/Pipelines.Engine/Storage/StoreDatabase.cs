using System.Data.Common;
using System.Diagnostics;
using DuckDB.NET.Data;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Opening the store's DuckDB file: one writer at a time, waiting for another to let go, and bringing the schema up
/// to date. DuckDB's file lock keeps out other processes; DuckDB.NET shares one database between the connections of a
/// process, so a second store of this process on the same file is kept out here, exactly as another process is —
/// two stores would otherwise write one file with two journals.
/// </summary>
internal static class StoreDatabase
{
    private static readonly HashSet<string> OpenInThisProcess = new(StringComparer.Ordinal);
    private static readonly Lock OpenGate = new();

    /// <summary>
    /// One DuckDB thread: the store's statements are bookkeeping appends and point queries (steps do their heavy SQL
    /// in scratch databases of their own), and a second worker would only compete for a core with the steps — and
    /// with the tick loop's hot thread, whose p99.9 it doubled while the writer committed row groups.
    /// </summary>
    public static string ConnectionString(StoreLayout layout) =>
        new DuckDBConnectionStringBuilder { DataSource = layout.DatabasePath, ["threads"] = "1" }.ConnectionString;

    /// <summary>
    /// Opens the store's database for writing, waiting up to <paramref name="lockTimeout"/> while another writer
    /// holds it; then <see cref="StoreLockedException"/>. Dispose the connection through <see cref="Release"/>.
    /// </summary>
    public static DuckDBConnection OpenWriter(StoreLayout layout, TimeSpan lockTimeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var conflict = TryOpen(layout, out var connection);
            if (conflict is null) return connection!;
            if (stopwatch.Elapsed >= lockTimeout)
                throw new StoreLockedException(
                    $"the store {layout.DatabasePath} is in use by another pipelines process (waited {lockTimeout.TotalSeconds:0.#}s): {conflict.Message}", conflict);
            Thread.Sleep(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Closes the writer's connection and lets the next store of this process open the file.</summary>
    public static void Release(StoreLayout layout, DuckDBConnection connection)
    {
        try
        {
            connection.Dispose();
        }
        finally
        {
            lock (OpenGate) OpenInThisProcess.Remove(layout.DatabasePath);
        }
    }

    /// <summary>The open connection, or why the file is held by another writer; any other failure is thrown.</summary>
    private static Exception? TryOpen(StoreLayout layout, out DuckDBConnection? connection)
    {
        connection = null;
        lock (OpenGate)
        {
            if (!OpenInThisProcess.Add(layout.DatabasePath))
                return new InvalidOperationException($"another store of this process (pid {Environment.ProcessId}) has {layout.DatabasePath} open");
        }
        var opened = new DuckDBConnection(ConnectionString(layout));
        try
        {
            opened.Open();
            connection = opened;
            return null;
        }
        catch (Exception e)
        {
            opened.Dispose();
            lock (OpenGate) OpenInThisProcess.Remove(layout.DatabasePath);
            if (e is DuckDBException duckDb && IsLockConflict(duckDb)) return duckDb;
            throw;
        }
    }

    /// <summary>DuckDB reports another process's lock as an IO error naming the lock it could not set.</summary>
    private static bool IsLockConflict(DuckDBException e) => e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase);

    public static int SchemaVersion(DbConnection connection) =>
        connection.Scalar<int>("SELECT coalesce(max(version), 0) FROM schema_migrations");

    /// <summary>The newest schema version this program knows.</summary>
    public static int KnownVersion => StoreMigrations.All.Max(m => m.Version);

    /// <summary>
    /// Applies the migrations the database has not seen, each with its record. DuckDB: one transaction per migration;
    /// its file lock already keeps other processes out. PostgreSQL: one transaction for all of them, holding an advisory
    /// lock from before it reads the version to its commit, so processes that start together on an empty database wait for
    /// the first, then find nothing left to do. A schema newer than this program is refused before anything is written.
    /// </summary>
    public static void Migrate(DbConnection connection, string storeName)
    {
        var postgres = StoreDialect.Of(connection).IsPostgres;
        using var outer = postgres ? connection.BeginTransaction() : null;
        if (postgres) connection.Execute("SELECT pg_advisory_xact_lock(?)", PostgresLocks.Migration);
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
        var current = SchemaVersion(connection);
        if (current > KnownVersion)
            throw new StoreUnavailableException(
                $"the store {storeName} has schema version {current}, newer than this pipelines program knows (up to {KnownVersion}): " +
                "upgrade pipelines to use it; nothing was written");
        foreach (var migration in StoreMigrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            using var transaction = postgres ? null : connection.BeginTransaction();
            connection.Execute(migration.SqlFor(postgres));
            connection.Execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                migration.Version, migration.Description, DateTime.UtcNow);
            transaction?.Commit();
        }
        outer?.Commit();
    }
}
