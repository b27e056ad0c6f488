namespace Pipelines.Engine.Settings;

/// <summary>Where the store keeps its tables: a DuckDB file for one process (the default), or a PostgreSQL server shared by several.</summary>
public enum StoreKind { Duckdb, Postgres }
