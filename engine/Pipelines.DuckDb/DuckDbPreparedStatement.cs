using System.Buffers;
using System.Text;
using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// A compiled statement with parameters ($1, $2, ... or ?). Parameter indexes are 1-based, as in SQL. Bindings
/// persist across executions until rebound or cleared. Used by one thread at a time, like its connection.
/// </summary>
public sealed unsafe class DuckDbPreparedStatement : IDisposable
{
    private readonly PreparedStatementHandle _handle;

    internal DuckDbPreparedStatement(PreparedStatementHandle handle)
    {
        _handle = handle;
        ParameterCount = checked((int)NativeMethods.ParameterCount(handle.DangerousGetHandle()));
    }

    public int ParameterCount { get; }

    public DuckDbPreparedStatement Bind(int index, long value) => Check(index, NativeMethods.BindInt64(Handle, (nuint)index, value));

    public DuckDbPreparedStatement Bind(int index, int value) => Check(index, NativeMethods.BindInt32(Handle, (nuint)index, value));

    public DuckDbPreparedStatement Bind(int index, ulong value) => Check(index, NativeMethods.BindUInt64(Handle, (nuint)index, value));

    public DuckDbPreparedStatement Bind(int index, Int128 value) =>
        Check(index, NativeMethods.BindHugeInt(Handle, (nuint)index, new NativeHugeInt(value)));

    public DuckDbPreparedStatement Bind(int index, double value) => Check(index, NativeMethods.BindDouble(Handle, (nuint)index, value));

    public DuckDbPreparedStatement Bind(int index, float value) => Check(index, NativeMethods.BindFloat(Handle, (nuint)index, value));

    public DuckDbPreparedStatement Bind(int index, bool value) => Check(index, NativeMethods.BindBoolean(Handle, (nuint)index, value));

    /// <summary>Binds a DECIMAL(38, s) where s is the value's own scale, so no digit is lost.</summary>
    public DuckDbPreparedStatement Bind(int index, decimal value)
    {
        var unscaled = ValueConversion.MantissaOf(value, out var scale);
        var native = new NativeDecimal { Width = 38, Scale = (byte)scale, Value = new NativeHugeInt(unscaled) };
        return Check(index, NativeMethods.BindDecimal(Handle, (nuint)index, native));
    }

    /// <summary>Binds a TIMESTAMP in UTC with microsecond precision (local times are converted, unspecified taken as UTC).</summary>
    public DuckDbPreparedStatement Bind(int index, DateTime value) =>
        Check(index, NativeMethods.BindTimestamp(Handle, (nuint)index, ValueConversion.DateTimeToTimestamp(value)));

    public DuckDbPreparedStatement Bind(int index, DateOnly value) =>
        Check(index, NativeMethods.BindDate(Handle, (nuint)index, ValueConversion.DateOnlyToDate(value)));

    /// <summary>Binds a VARCHAR (UTF-8); null binds NULL.</summary>
    public DuckDbPreparedStatement Bind(int index, string? value)
    {
        if (value is null)
        {
            return BindNull(index);
        }

        var statement = Handle;
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            fixed (byte* bytes = rented)
            {
                return Check(index, NativeMethods.BindVarcharLength(statement, (nuint)index, bytes, (nuint)length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Binds a BLOB; null binds NULL.</summary>
    public DuckDbPreparedStatement Bind(int index, byte[]? value)
    {
        if (value is null)
        {
            return BindNull(index);
        }

        var statement = Handle;
        fixed (byte* bytes = value)
        {
            // fixed over an empty array yields null; DuckDB wants a valid pointer even for zero bytes.
            byte empty = 0;
            return Check(index, NativeMethods.BindBlob(statement, (nuint)index, bytes == null ? &empty : bytes, (nuint)value.Length));
        }
    }

    public DuckDbPreparedStatement BindNull(int index) => Check(index, NativeMethods.BindNull(Handle, (nuint)index));

    /// <summary>Binds by the value's runtime type; supported: the types of the typed overloads, smaller integers, and null/DBNull.</summary>
    public DuckDbPreparedStatement Bind(int index, object? value) => value switch
    {
        null or DBNull => BindNull(index),
        long v => Bind(index, v),
        int v => Bind(index, v),
        short v => Bind(index, (int)v),
        sbyte v => Bind(index, (int)v),
        byte v => Bind(index, (int)v),
        ushort v => Bind(index, (int)v),
        uint v => Bind(index, (long)v),
        ulong v => Bind(index, v),
        Int128 v => Bind(index, v),
        double v => Bind(index, v),
        float v => Bind(index, v),
        decimal v => Bind(index, v),
        bool v => Bind(index, v),
        string v => Bind(index, v),
        byte[] v => Bind(index, v),
        DateTime v => Bind(index, v),
        DateOnly v => Bind(index, v),
        _ => throw new ArgumentException(
            $"Parameter {index}: values of type {value.GetType().FullName} cannot be bound.", nameof(value)),
    };

    /// <summary>Binds <paramref name="values"/> to parameters 1..n; their count must match the statement's.</summary>
    public DuckDbPreparedStatement BindAll(ReadOnlySpan<object?> values)
    {
        if (values.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"The statement has {ParameterCount} parameter(s) but {values.Length} value(s) were given.", nameof(values));
        }

        for (var i = 0; i < values.Length; i++)
        {
            Bind(i + 1, values[i]);
        }

        return this;
    }

    public void ClearBindings()
    {
        if (NativeMethods.ClearBindings(Handle) != NativeMethods.Success)
        {
            throw new DuckDbException("DuckDB could not clear the statement's bindings.");
        }
    }

    public DuckDbResult Execute()
    {
        var statement = Handle;
        return DuckDbResult.Run(result => NativeMethods.ExecutePrepared(statement, (NativeResult*)result));
    }

    /// <summary>Executes and returns the number of rows inserted, updated or deleted.</summary>
    public long ExecuteNonQuery()
    {
        using var result = Execute();
        return result.RowsChanged;
    }

    /// <summary>The first column of the first row, converted as in <see cref="DuckDbConnection.Scalar{T}"/>.</summary>
    public T Scalar<T>()
    {
        using var result = Execute();
        return ScalarReader.Read<T>(result);
    }

    public void Dispose() => _handle.Dispose();

    private IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private DuckDbPreparedStatement Check(int index, int state)
    {
        if (state != NativeMethods.Success)
        {
            throw new DuckDbException(
                $"Cannot bind parameter {index}: the statement has {ParameterCount} parameter(s), numbered from 1.",
                DuckDbErrorType.InvalidInput);
        }

        return this;
    }
}
