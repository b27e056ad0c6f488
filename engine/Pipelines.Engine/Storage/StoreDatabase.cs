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

    public static int SchemaVersion(DuckDBConnection connection) =>
        connection.Scalar<int>("SELECT coalesce(max(version), 0) FROM schema_migrations");

    /// <summary>Applies the migrations the database has not seen, each in its own transaction with its record.</summary>
    public static void Migrate(DuckDBConnection connection)
    {
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
        var current = SchemaVersion(connection);
        foreach (var migration in StoreMigrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(migration.Sql);
            connection.Execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                migration.Version, migration.Description, DateTime.UtcNow);
            transaction.Commit();
        }
    }
}
