using DuckDB.NET.Data;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Tests.Support;

/// <summary>Reads a Parquet artifact back through DuckDB to check what a step wrote.</summary>
public sealed class ParquetProbe(string path) : IDisposable
{
    private DuckDBConnection? _connection;

    private DuckDBConnection Connection => _connection ??= ParquetTableWriter.OpenScratch();

    private string Source => "read_parquet('" + path.Replace("'", "''", StringComparison.Ordinal) + "')";

    /// <summary>Runs a query in which {t} stands for the table.</summary>
    public T Scalar<T>(string sql) => Connection.Scalar<T>(sql.Replace("{t}", Source, StringComparison.Ordinal));

    public List<object?[]> Rows(string sql) => Connection.Rows(sql.Replace("{t}", Source, StringComparison.Ordinal));

    /// <summary>Column name to DuckDB type name, in table order.</summary>
    public List<(string Name, string Type)> Schema() =>
        Rows("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {t})").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();

    public void Dispose() => _connection?.Dispose();
}
