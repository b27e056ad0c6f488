using Pipelines.Engine.Settings;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Which store to open: the local directory (staging, logs, and for DuckDB the database file), the database, and where the
/// content-addressed artifacts live. Not a record: its text form must never show the connection string, which may hold a password.
/// </summary>
public sealed class StoreLocation
{
    /// <summary>The local store directory (<c>store.path</c>).</summary>
    public required string Root { get; init; }

    public StoreKind Kind { get; init; } = StoreKind.Duckdb;

    /// <summary>The PostgreSQL connection string (read from <c>store.connection_env</c>); null for DuckDB.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>A directory shared by every process of the store (<c>store.artifacts</c>); null keeps them under <see cref="Root"/>.</summary>
    public string? ArtifactsDirectory { get; init; }

    /// <summary>When a tick stream's decision segment closes (PostgreSQL stores; a DuckDB store streams into its own table).</summary>
    public DecisionSegmentPolicy DecisionSegments { get; init; } = DecisionSegmentPolicy.Default;

    public static StoreLocation DuckDb(string root) => new() { Root = root };

    public StoreLayout Layout => new(Root, ArtifactsDirectory);

    /// <summary>What a message may say about the store: the DuckDB file, or the PostgreSQL server without credentials.</summary>
    public override string ToString() => Kind == StoreKind.Postgres && ConnectionString is { } connection
        ? PostgresConnections.Describe(connection)
        : Layout.DatabasePath;
}
