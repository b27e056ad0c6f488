using DuckDB.NET.Data;
using DuckDB.NET.Native;
using NativeAppender = DuckDB.NET.Native.DuckDBAppender;

namespace Pipelines.DuckDb;

/// <summary>
/// DuckDB's C appender for one table with a data chunk of the table's own column types: the part every writer that
/// fills vectors directly shares (opening, handing full chunks over, DuckDB's error text, closing, releasing native
/// memory). What goes into the vectors, and how, is the writer's: <see cref="ChunkAppender"/> writes scalar columns
/// of any table, the store's decision writer a fixed row shape with a list column.
/// </summary>
public sealed class NativeTableAppender : IDisposable
{
    private readonly NativeAppender _appender;
    private readonly DuckDBLogicalType[] _types;
    private readonly DuckDBDataChunk? _chunk;
    private readonly IntPtr[] _vectors;
    private bool _released;

    public NativeTableAppender(DuckDBConnection connection, string table)
    {
        Table = table;
        Capacity = checked((int)NativeMethods.Helpers.DuckDBVectorSize());
        if (NativeMethods.Appender.DuckDBAppenderCreate(connection.NativeConnection, null!, table, out _appender) != DuckDBState.Success)
        {
            var error = ErrorText();
            _appender.Dispose();
            throw new InvalidOperationException($"cannot append to {table}: {error}");
        }
        var count = checked((int)NativeMethods.Appender.DuckDBAppenderColumnCount(_appender));
        _types = new DuckDBLogicalType[count];
        ColumnTypes = new DuckDBType[count];
        _vectors = new IntPtr[count];
        try
        {
            for (var column = 0; column < count; column++)
            {
                _types[column] = NativeMethods.Appender.DuckDBAppenderColumnType(_appender, (ulong)column);
                ColumnTypes[column] = NativeMethods.LogicalType.DuckDBGetTypeId(_types[column]);
            }
            _chunk = NativeMethods.DataChunks.DuckDBCreateDataChunk(_types.Select(t => t.DangerousGetHandle()).ToArray(), (ulong)count);
            LocateVectors();
        }
        catch
        {
            Release();
            throw;
        }
    }

    public string Table { get; }

    /// <summary>Rows a chunk holds (DuckDB's vector size).</summary>
    public int Capacity { get; }

    /// <summary>The table's column types, in column order.</summary>
    public DuckDBType[] ColumnTypes { get; }

    /// <summary>The logical type of a column, for what <see cref="ColumnTypes"/> does not say (a list's child type, say).</summary>
    public DuckDBLogicalType LogicalType(int column) => _types[column];

    /// <summary>The chunk's vector of a column; it may move when the chunk is sent, so look it up again after <see cref="Send"/>.</summary>
    public IntPtr Vector(int column) => _vectors[column];

    /// <summary>Hands the first <paramref name="rows"/> rows of the chunk to the table and empties the chunk.</summary>
    public void Send(int rows)
    {
        if (rows == 0) return;
        NativeMethods.DataChunks.DuckDBDataChunkSetSize(_chunk!, (ulong)rows);
        var state = NativeMethods.Appender.DuckDBAppendDataChunk(_appender, _chunk!);
        NativeMethods.DataChunks.DuckDBDataChunkReset(_chunk!);
        LocateVectors();
        if (state != DuckDBState.Success) throw new InvalidOperationException($"appending to {Table} failed: {ErrorText()}");
    }

    /// <summary>Writes what was sent into the table; DuckDB's errors surface here, in its own words.</summary>
    public void Flush()
    {
        if (NativeMethods.Appender.DuckDBAppenderFlush(_appender) != DuckDBState.Success)
            throw new InvalidOperationException($"appending to {Table} failed: {ErrorText()}");
    }

    /// <summary>Writes what was sent and closes the appender; native memory is released in every case.</summary>
    public void Close()
    {
        try
        {
            if (NativeMethods.Appender.DuckDBAppenderClose(_appender) != DuckDBState.Success)
                throw new InvalidOperationException($"closing the appender of {Table} failed: {ErrorText()}");
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Releases native memory without writing what was not flushed.</summary>
    public void Dispose() => Release();

    private void LocateVectors()
    {
        for (var column = 0; column < _vectors.Length; column++)
            _vectors[column] = NativeMethods.DataChunks.DuckDBDataChunkGetVector(_chunk!, column);
    }

    private string ErrorText()
    {
        using var error = NativeMethods.Appender.DuckDBAppenderErrorData(_appender);
        return error.IsInvalid || !NativeMethods.ErrorData.DuckDBErrorDataHasError(error)
            ? "DuckDB gave no reason"
            : NativeMethods.ErrorData.DuckDBErrorDataMessage(error);
    }

    private void Release()
    {
        if (_released) return;
        _released = true;
        _chunk?.Dispose();
        foreach (var type in _types) type?.Dispose();
        _appender.Dispose();
    }
}
