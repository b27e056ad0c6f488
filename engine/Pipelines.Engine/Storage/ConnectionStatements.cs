using System.Data.Common;
using System.Globalization;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Statements on the store's connection (DuckDB or PostgreSQL) with positional parameters: each argument binds to the
/// next <c>?</c>, which <see cref="StoreDialect"/> turns into what the database expects. Values travel as parameters,
/// never as SQL text, so no name a user chose can change what a statement does.
/// </summary>
internal static class ConnectionStatements
{
    public static DbCommand Statement(this DbConnection connection, string sql, params object?[] args)
    {
        var command = connection.CreateCommand();
        command.CommandText = StoreDialect.Of(connection).Text(sql);
        foreach (var arg in args)
        {
            var parameter = command.CreateParameter();
            parameter.Value = arg ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>Runs one statement, or several ';'-separated ones without arguments; the rows they changed.</summary>
    public static int Execute(this DbConnection connection, string sql, params object?[] args)
    {
        using var command = connection.Statement(sql, args);
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// The first column of the first row as <typeparamref name="T"/>. NULL or no row gives null where
    /// <typeparamref name="T"/> can hold it and throws otherwise; numbers convert, checked, to the asked type.
    /// </summary>
    public static T Scalar<T>(this DbConnection connection, string sql, params object?[] args)
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
    public static List<T> Rows<T>(this DbConnection connection, string sql, Func<DbDataReader, T> map, params object?[] args)
    {
        using var command = connection.Statement(sql, args);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }
}
