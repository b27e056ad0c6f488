using System.Data.Common;
using DuckDB.NET.Data;

namespace Pipelines.Engine.Tests.Support;

/// <summary>Query results as plain values, for tests that compare a few selected columns at once.</summary>
internal static class RowValues
{
    /// <summary>Every column of the row in select order, NULL as null, in DuckDB.NET's types (INTEGER as int, BIGINT as long).</summary>
    public static object?[] All(DbDataReader row)
    {
        var values = new object?[row.FieldCount];
        for (var column = 0; column < values.Length; column++) values[column] = row.IsDBNull(column) ? null : row.GetValue(column);
        return values;
    }

    /// <summary>An open connection to a database file, for tests that prepare or inspect a store without it.</summary>
    public static DuckDBConnection OpenFile(string path)
    {
        var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        return connection;
    }
}
