using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Statements on a DuckDB connection with positional parameters: each argument binds to the next <c>?</c>. Values
/// travel as parameters, never as SQL text, so no name a user chose can change what a statement does.
/// </summary>
internal static class ConnectionStatements
{
    public static DuckDBCommand Statement(this DuckDBConnection connection, string sql, params object?[] args)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var arg in args) command.Parameters.Add(new DuckDBParameter(arg ?? DBNull.Value));
        return command;
    }

    /// <summary>Runs one statement, or several ';'-separated ones without arguments; the rows they changed.</summary>
    public static int Execute(this DuckDBConnection connection, string sql, params object?[] args)
    {
        using var command = connection.Statement(sql, args);
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// The first column of the first row as <typeparamref name="T"/>. NULL or no row gives null where
    /// <typeparamref name="T"/> can hold it and throws otherwise; numbers convert, checked, to the asked type.
    /// </summary>
    public static T Scalar<T>(this DuckDBConnection connection, string sql, params object?[] args)
    {
        using var command = connection.Statement(sql, args);
        var value = command.ExecuteScalar();
        var target = Nullable.GetUnderlyingType(typeof(T));
        if (value is null or DBNull)
        {
            if (!typeof(T).IsValueType || target is not null) return default!;
            throw new InvalidOperationException($"{sql} gave no value; ask for {typeof(T).Name}? to accept that.");
        }
        if (value is T typed) return typed;
        // 128-bit integers (sum() of integers) are not IConvertible; decimal holds them exactly.
        if (value is System.Numerics.BigInteger or Int128 or UInt128) value = decimal.Parse(value.ToString()!, CultureInfo.InvariantCulture);
        return (T)Convert.ChangeType(value, target ?? typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of a query, each mapped by <paramref name="map"/>, which reads its columns by name.</summary>
    public static List<T> Rows<T>(this DuckDBConnection connection, string sql, Func<DbDataReader, T> map, params object?[] args)
    {
        using var command = connection.Statement(sql, args);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }
}
