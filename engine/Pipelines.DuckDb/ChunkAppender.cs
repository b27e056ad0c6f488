using System.Buffers;
using System.Text;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// Appends rows of any table whose columns are BOOLEAN, INTEGER, BIGINT, FLOAT, DOUBLE, VARCHAR or TIMESTAMP
/// (with or without time zone) through DuckDB's C appender, writing each value straight into a data chunk's vector
/// and handing the chunk over when it is full. A row costs no native call except for a string longer than DuckDB keeps
/// inline, and no allocation.
/// </summary>
/// <remarks>
/// Values are written left to right: one <c>Add</c> per column, then <see cref="EndRow"/>. Each value must have the
/// column's own type (an <see cref="int"/> may fill a BIGINT, a <see cref="float"/> a DOUBLE); a mismatch throws before
/// anything of the row reaches DuckDB. Rows become part of the connection's open transaction, if any, when the chunk is
/// handed over: at <see cref="Flush"/>, when a chunk fills, and at <see cref="Dispose"/>.
/// Timestamps are written as the <see cref="DateTime"/>'s ticks say, whatever its <see cref="DateTime.Kind"/>, as
/// DuckDB.NET does: the store keeps UTC throughout.
/// </remarks>
public sealed unsafe class ChunkAppender : IDisposable
{
    private const int StringSlotSize = 16;   // sizeof(duckdb_string_t)
    private const int InlinedLength = 12;

    private readonly NativeTableAppender _native;
    private readonly DuckDBType[] _columnTypes;
    private readonly void*[] _data;
    private readonly ulong*[] _validity;   // null until a NULL is written to the column in this chunk
    private byte[] _utf8 = new byte[256];
    private int _rows;
    private int _column;
    private bool _closed;

    public ChunkAppender(DuckDBConnection connection, string table)
    {
        _native = new NativeTableAppender(connection, table);
        _columnTypes = _native.ColumnTypes;
        _data = new void*[_columnTypes.Length];
        _validity = new ulong*[_columnTypes.Length];
        for (var column = 0; column < _columnTypes.Length; column++)
        {
            if (IsSupported(_columnTypes[column])) continue;
            _native.Dispose();
            throw new NotSupportedException($"{table} column {column + 1} is {_columnTypes[column]}, which the chunk appender does not write");
        }
        LocateData();
    }

    private static bool IsSupported(DuckDBType type) => type is DuckDBType.Boolean or DuckDBType.Integer or DuckDBType.BigInt
        or DuckDBType.Float or DuckDBType.Double or DuckDBType.Varchar or DuckDBType.Timestamp or DuckDBType.TimestampTz;

    public ChunkAppender Add(long value)
    {
        ((long*)Next(DuckDBType.BigInt, typeof(long)))[_rows] = value;
        return this;
    }

    public ChunkAppender Add(int value)
    {
        var wide = CurrentType() == DuckDBType.BigInt;
        var data = Next(wide ? DuckDBType.BigInt : DuckDBType.Integer, typeof(int));
        if (wide) ((long*)data)[_rows] = value;
        else ((int*)data)[_rows] = value;
        return this;
    }

    public ChunkAppender Add(double value)
    {
        ((double*)Next(DuckDBType.Double, typeof(double)))[_rows] = value;
        return this;
    }

    public ChunkAppender Add(float value)
    {
        var wide = CurrentType() == DuckDBType.Double;
        var data = Next(wide ? DuckDBType.Double : DuckDBType.Float, typeof(float));
        if (wide) ((double*)data)[_rows] = value;
        else ((float*)data)[_rows] = value;
        return this;
    }

    public ChunkAppender Add(bool value)
    {
        ((byte*)Next(DuckDBType.Boolean, typeof(bool)))[_rows] = value ? (byte)1 : (byte)0;
        return this;
    }

    /// <summary>A TIMESTAMP (or TIMESTAMPTZ): DuckDB keeps microseconds since the Unix epoch.</summary>
    public ChunkAppender Add(DateTime value)
    {
        var data = Next(CurrentType() == DuckDBType.TimestampTz ? DuckDBType.TimestampTz : DuckDBType.Timestamp, typeof(DateTime));
        ((long*)data)[_rows] = (value.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
        return this;
    }

    /// <summary>A VARCHAR, encoded as UTF-8; a null string writes NULL.</summary>
    public ChunkAppender Add(string? value) => value is null ? AddNull() : Add(value.AsSpan());

    public ChunkAppender Add(ReadOnlySpan<char> value)
    {
        var strings = (byte*)Next(DuckDBType.Varchar, typeof(string));
        var length = EncodeUtf8(value);
        if (length <= InlinedLength)
        {
            // duckdb.h's duckdb_string_t: a string of up to 12 bytes is held in the vector itself, after its length,
            // zero-padded (DuckDB compares the padding too); written here, it costs no call into DuckDB.
            var slot = strings + (long)_rows * StringSlotSize;
            *(uint*)slot = (uint)length;
            var inlined = new Span<byte>(slot + sizeof(uint), InlinedLength);
            inlined.Clear();
            _utf8.AsSpan(0, length).CopyTo(inlined);
        }
        else
        {
            fixed (byte* bytes = _utf8)
                NativeMethods.Vectors.DuckDBVectorAssignStringElementLength(_native.Vector(_column - 1), (ulong)_rows, bytes, length);
        }
        return this;
    }

    /// <summary>The UTF-8 bytes of <paramref name="value"/> into the reused buffer; ASCII, the common case, takes the vectorised path.</summary>
    private int EncodeUtf8(ReadOnlySpan<char> value)
    {
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (most > _utf8.Length) _utf8 = new byte[Math.Max(most, 2 * _utf8.Length)];
        return Ascii.FromUtf16(value, _utf8, out var written) == OperationStatus.Done
            ? written
            : Encoding.UTF8.GetBytes(value, _utf8);
    }

    public ChunkAppender AddNull()
    {
        CurrentType();
        var column = _column++;
        if (_validity[column] is null)
        {
            NativeMethods.Vectors.DuckDBVectorEnsureValidityWritable(_native.Vector(column));
            _validity[column] = NativeMethods.Vectors.DuckDBVectorGetValidity(_native.Vector(column));
        }
        NativeMethods.ValidityMask.DuckDBValiditySetRowValidity(_validity[column], (ulong)_rows, false);
        return this;
    }

    /// <summary>
    /// A value of one of the CLR types the store's rows hold (null, string, long, int, double, bool, DateTime),
    /// for rows kept as object arrays, such as the store's queued step records.
    /// </summary>
    public ChunkAppender AddValue(object? value) => value switch
    {
        null => AddNull(),
        string text => Add(text),
        long number => Add(number),
        int number => Add(number),
        double number => Add(number),
        bool flag => Add(flag),
        DateTime time => Add(time),
        _ => throw new ArgumentException($"{_native.Table} column {_column + 1}: the chunk appender writes no {value.GetType().Name} values", nameof(value)),
    };

    /// <summary>Ends a row that has a value for every column; the chunk goes to DuckDB when it is full.</summary>
    public void EndRow()
    {
        if (_column != _columnTypes.Length)
            throw new InvalidOperationException($"a row of {_native.Table} has {_columnTypes.Length} columns; {_column} values were given");
        _column = 0;
        if (++_rows == _native.Capacity) SendChunk();
    }

    /// <summary>Writes every ended row into the table; DuckDB's errors surface here, in its own words.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        SendChunk();
        _native.Flush();
    }

    private DuckDBType CurrentType()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_column >= _columnTypes.Length) throw TooManyValues();
        return _columnTypes[_column];
    }

    private void* Next(DuckDBType expected, Type given)
    {
        CurrentType();
        var column = _column;
        if (_columnTypes[column] != expected)
            throw new ArgumentException($"{_native.Table} column {column + 1} is {_columnTypes[column]}; a {given.Name} value cannot go there");
        if (_validity[column] is not null) NativeMethods.ValidityMask.DuckDBValiditySetRowValidity(_validity[column], (ulong)_rows, true);
        _column++;
        return _data[column];
    }

    private InvalidOperationException TooManyValues() =>
        new($"a row of {_native.Table} has {_columnTypes.Length} columns; a value was given beyond them");

    private void SendChunk()
    {
        if (_column != 0) throw new InvalidOperationException($"a row of {_native.Table} was begun and not ended");
        var rows = _rows;
        _rows = 0;
        try
        {
            _native.Send(rows);
        }
        finally
        {
            LocateData();
        }
    }

    /// <summary>Points at the chunk's vectors again: sending a chunk may move their buffers and drops their validity masks.</summary>
    private void LocateData()
    {
        for (var column = 0; column < _data.Length; column++)
        {
            var vector = _native.Vector(column);
            _data[column] = NativeMethods.Vectors.DuckDBVectorGetData(vector);
            // A mask left from an earlier chunk is kept up to date value by value; a column without one gets it at its first NULL.
            _validity[column] = NativeMethods.Vectors.DuckDBVectorGetValidity(vector);
        }
    }

    /// <summary>
    /// Writes the rows ended so far and closes; a row begun and not ended (its values refused, say) is dropped, and
    /// native resources are released in every case.
    /// </summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        try
        {
            _column = 0;
            SendChunk();
            _native.Close();
        }
        finally
        {
            _native.Dispose();
        }
    }

    /// <summary>Releases native resources without handing over the rows not yet sent: for an appender whose batch failed.</summary>
    public void Discard()
    {
        if (_closed) return;
        _closed = true;
        _native.Dispose();
    }
}
