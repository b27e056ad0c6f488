using System.Buffers;
using System.Text;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using NativeAppender = DuckDB.NET.Native.DuckDBAppender;

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

    private readonly string _table;
    private readonly NativeAppender _appender;
    private readonly DuckDBLogicalType[] _types;
    private readonly DuckDBType[] _columnTypes;
    private readonly IntPtr[] _vectors;
    private readonly void*[] _data;
    private readonly ulong*[] _validity;   // null until a NULL is written to the column in this chunk
    private readonly DuckDBDataChunk _chunk;
    private readonly int _capacity;
    private byte[] _utf8 = new byte[256];
    private int _rows;
    private int _column;
    private bool _closed;

    public ChunkAppender(DuckDBConnection connection, string table)
    {
        _table = table;
        _capacity = checked((int)NativeMethods.Helpers.DuckDBVectorSize());
        if (NativeMethods.Appender.DuckDBAppenderCreate(connection.NativeConnection, null!, table, out _appender) != DuckDBState.Success)
        {
            var error = ErrorText();
            _appender.Dispose();
            throw new InvalidOperationException($"cannot append to {table}: {error}");
        }
        var count = checked((int)NativeMethods.Appender.DuckDBAppenderColumnCount(_appender));
        _types = new DuckDBLogicalType[count];
        _columnTypes = new DuckDBType[count];
        _vectors = new IntPtr[count];
        _data = new void*[count];
        _validity = new ulong*[count];
        try
        {
            for (var column = 0; column < count; column++)
            {
                _types[column] = NativeMethods.Appender.DuckDBAppenderColumnType(_appender, (ulong)column);
                _columnTypes[column] = NativeMethods.LogicalType.DuckDBGetTypeId(_types[column]);
                if (!IsSupported(_columnTypes[column]))
                    throw new NotSupportedException($"{table} column {column + 1} is {_columnTypes[column]}, which the chunk appender does not write");
            }
            _chunk = NativeMethods.DataChunks.DuckDBCreateDataChunk(_types.Select(t => t.DangerousGetHandle()).ToArray(), (ulong)count);
            PrepareChunk();
        }
        catch
        {
            ReleaseNative();
            throw;
        }
    }

    /// <summary>The number of columns a row has.</summary>
    public int ColumnCount => _columnTypes.Length;

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
                NativeMethods.Vectors.DuckDBVectorAssignStringElementLength(_vectors[_column - 1], (ulong)_rows, bytes, length);
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
            NativeMethods.Vectors.DuckDBVectorEnsureValidityWritable(_vectors[column]);
            _validity[column] = NativeMethods.Vectors.DuckDBVectorGetValidity(_vectors[column]);
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
        _ => throw new ArgumentException($"{_table} column {_column + 1}: the chunk appender writes no {value.GetType().Name} values", nameof(value)),
    };

    /// <summary>Ends a row that has a value for every column; the chunk goes to DuckDB when it is full.</summary>
    public void EndRow()
    {
        if (_column != _columnTypes.Length)
            throw new InvalidOperationException($"a row of {_table} has {_columnTypes.Length} columns; {_column} values were given");
        _column = 0;
        if (++_rows == _capacity) SendChunk();
    }

    /// <summary>Writes every ended row into the table; DuckDB's errors surface here, in its own words.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        SendChunk();
        if (NativeMethods.Appender.DuckDBAppenderFlush(_appender) != DuckDBState.Success)
            throw new InvalidOperationException($"appending to {_table} failed: {ErrorText()}");
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
            throw new ArgumentException($"{_table} column {column + 1} is {_columnTypes[column]}; a {given.Name} value cannot go there");
        if (_validity[column] is not null) NativeMethods.ValidityMask.DuckDBValiditySetRowValidity(_validity[column], (ulong)_rows, true);
        _column++;
        return _data[column];
    }

    private InvalidOperationException TooManyValues() =>
        new($"a row of {_table} has {_columnTypes.Length} columns; a value was given beyond them");

    private void SendChunk()
    {
        if (_column != 0) throw new InvalidOperationException($"a row of {_table} was begun and not ended");
        if (_rows == 0) return;
        NativeMethods.DataChunks.DuckDBDataChunkSetSize(_chunk, (ulong)_rows);
        var state = NativeMethods.Appender.DuckDBAppendDataChunk(_appender, _chunk);
        NativeMethods.DataChunks.DuckDBDataChunkReset(_chunk);
        _rows = 0;
        PrepareChunk();
        if (state != DuckDBState.Success) throw new InvalidOperationException($"appending to {_table} failed: {ErrorText()}");
    }

    /// <summary>Points at the chunk's vectors again: resetting a chunk may move their buffers and drops their validity masks.</summary>
    private void PrepareChunk()
    {
        for (var column = 0; column < _vectors.Length; column++)
        {
            _vectors[column] = NativeMethods.DataChunks.DuckDBDataChunkGetVector(_chunk, column);
            _data[column] = NativeMethods.Vectors.DuckDBVectorGetData(_vectors[column]);
            // A mask left from an earlier chunk is kept up to date value by value; a column without one gets it at its first NULL.
            _validity[column] = NativeMethods.Vectors.DuckDBVectorGetValidity(_vectors[column]);
        }
    }

    private string ErrorText()
    {
        using var error = NativeMethods.Appender.DuckDBAppenderErrorData(_appender);
        return error.IsInvalid || !NativeMethods.ErrorData.DuckDBErrorDataHasError(error)
            ? "DuckDB gave no reason"
            : NativeMethods.ErrorData.DuckDBErrorDataMessage(error);
    }

    /// <summary>
    /// Writes the rows ended so far and closes; a row begun and not ended (its values refused, say) is dropped, and
    /// native resources are released in every case.
    /// </summary>
    public void Dispose()
    {
        if (_closed) return;
        try
        {
            _column = 0;
            SendChunk();
            if (NativeMethods.Appender.DuckDBAppenderClose(_appender) != DuckDBState.Success)
                throw new InvalidOperationException($"closing the appender of {_table} failed: {ErrorText()}");
        }
        finally
        {
            _closed = true;
            ReleaseNative();
        }
    }

    /// <summary>Releases native resources without handing over the rows not yet sent: for an appender whose batch failed.</summary>
    public void Discard()
    {
        if (_closed) return;
        _closed = true;
        ReleaseNative();
    }

    private void ReleaseNative()
    {
        _chunk?.Dispose();
        foreach (var type in _types) type?.Dispose();
        _appender.Dispose();
    }
}
