using System.Globalization;
using DuckDB.NET.Data;

namespace Pipelines.Steps.Tables;

/// <summary>
/// SQL on a step's scratch DuckDB connection. The statements are the step's own text (names quoted through
/// <see cref="SqlText"/>), so they run as written; DuckDB's errors arrive as <see cref="DuckDBException"/> in DuckDB's words.
/// </summary>
public static class ScratchSql
{
    /// <summary>Runs one or more ';'-separated statements, discarding any rows.</summary>
    public static void Execute(this DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// As <see cref="Execute(DuckDBConnection, string)"/>, stopping the statements when <paramref name="cancellationToken"/>
    /// fires: the query is interrupted and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <remarks>
    /// DuckDB clears a connection's interrupt flag when a statement starts, so an interrupt that lands just before
    /// the statement begins would be lost; the interrupt is therefore repeated until the statement has returned.
    /// </remarks>
    public static void Execute(this DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var finished = 0;
        using var registration = cancellationToken.Register(() => Task.Run(() =>
        {
            while (Volatile.Read(ref finished) == 0)
            {
                connection.NativeConnection.Interrupt();
                Thread.Sleep(20);
            }
        }));
        try
        {
            connection.Execute(sql);
        }
        catch (DuckDBException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the statement was interrupted", cancellationToken);
        }
        finally
        {
            Volatile.Write(ref finished, 1);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// The first column of the first row as <typeparamref name="T"/>. NULL or no row gives null where
    /// <typeparamref name="T"/> can hold it and throws otherwise; numbers convert, checked, to the asked type.
    /// </summary>
    public static T Scalar<T>(this DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
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

    /// <summary>Every row's values in the order the query selects them (NULL as null); for short results such as DESCRIBE.</summary>
    public static List<object?[]> Rows(this DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var column = 0; column < row.Length; column++) row[column] = reader.IsDBNull(column) ? null : reader.GetValue(column);
            rows.Add(row);
        }
        return rows;
    }
}
