namespace Pipelines.Engine.Storage;

/// <summary>
/// One versioned change to the store's schema; applied once, in order, inside a transaction. <paramref name="PostgresSql"/>
/// is the same change for PostgreSQL where DuckDB's text does not run there (null: <paramref name="Sql"/> serves both).
/// </summary>
public sealed record Migration(int Version, string Description, string Sql, string? PostgresSql = null)
{
    /// <summary>The text to run on PostgreSQL (true) or DuckDB (false).</summary>
    public string SqlFor(bool postgres) => postgres ? PostgresSql ?? Sql : Sql;
}
