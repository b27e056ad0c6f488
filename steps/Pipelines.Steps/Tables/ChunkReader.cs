using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Pipelines.Steps.Tables;

/// <summary>
/// A query's result read a data chunk (up to 2048 rows) at a time, straight from DuckDB's column vectors, through
/// the <see cref="NativeMethods"/> DuckDB.NET exposes on the connection's handle. ADO.NET's reader hands over one
/// boxed-or-typed value per call; loading a whole table of numbers into a model's matrix wants the column spans.
/// </summary>
/// <remarks>
/// Move with <see cref="Read"/>; the spans and validity of a chunk are valid until the next call or disposal.
/// Used from one thread at a time, like its connection.
/// </remarks>
public sealed unsafe class ChunkReader : IDisposable
{
    private DuckDBResult _result;
    private readonly DuckDBType[] _types;
    private DuckDBDataChunk? _chunk;
    private bool _disposed;

    private ChunkReader(DuckDBResult result, DuckDBType[] types)
    {
        _result = result;
        _types = types;
    }

    /// <summary>Runs <paramref name="sql"/>; a DuckDB error is thrown in DuckDB's own words.</summary>
    public static ChunkReader Query(DuckDBConnection connection, string sql)
    {
        if (NativeMethods.Query.DuckDBQuery(connection.NativeConnection, sql, out var result) != DuckDBState.Success)
        {
            var error = NativeMethods.Query.DuckDBResultError(ref result);
            NativeMethods.Query.DuckDBDestroyResult(ref result);
            throw new InvalidOperationException(error);
        }
        var types = new DuckDBType[(int)NativeMethods.Query.DuckDBColumnCount(ref result)];
        for (var column = 0; column < types.Length; column++) types[column] = NativeMethods.Query.DuckDBColumnType(ref result, column);
        return new ChunkReader(result, types);
    }

    public int ColumnCount => _types.Length;

    /// <summary>Rows in the current chunk.</summary>
    public int RowCount { get; private set; }

    /// <summary>Moves to the next chunk; false once the result is exhausted.</summary>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _chunk?.Dispose();
        _chunk = NativeMethods.Query.DuckDBFetchChunk(_result);
        RowCount = _chunk.IsInvalid ? 0 : checked((int)NativeMethods.DataChunks.DuckDBDataChunkGetSize(_chunk));
        if (RowCount > 0) return true;
        _chunk.Dispose();
        _chunk = null;
        // No chunk means the end, or a failure while producing rows, which DuckDB records on the result.
        var error = NativeMethods.Query.DuckDBResultError(ref _result);
        if (!string.IsNullOrEmpty(error)) throw new InvalidOperationException(error);
        return false;
    }

    public ReadOnlySpan<double> Doubles(int column) => Values<double>(column, DuckDBType.Double);

    public ReadOnlySpan<long> Int64s(int column) => Values<long>(column, DuckDBType.BigInt);

    /// <summary>
    /// The NULL mask of a column of the current chunk, one bit per row (set: a value); empty when every value is
    /// there. Fetch it once per chunk and test rows with <see cref="IsValid"/>.
    /// </summary>
    public ReadOnlySpan<ulong> Validity(int column)
    {
        var validity = NativeMethods.Vectors.DuckDBVectorGetValidity(Vector(column));
        return validity is null ? default : new ReadOnlySpan<ulong>(validity, (RowCount + 63) / 64);
    }

    public static bool IsValid(ReadOnlySpan<ulong> validity, int row) =>
        validity.IsEmpty || (validity[row >> 6] & (1UL << (row & 63))) != 0;

    private ReadOnlySpan<T> Values<T>(int column, DuckDBType type) where T : unmanaged
    {
        if (_types[column] != type)
            throw new InvalidOperationException($"column {column} is {_types[column]}, not {type}; cast it in the query");
        return new ReadOnlySpan<T>(NativeMethods.Vectors.DuckDBVectorGetData(Vector(column)), RowCount);
    }

    private IntPtr Vector(int column)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_chunk is null) throw new InvalidOperationException("no current chunk; call Read first");
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)column, (uint)_types.Length, nameof(column));
        return NativeMethods.DataChunks.DuckDBDataChunkGetVector(_chunk, column);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _chunk?.Dispose();
        NativeMethods.Query.DuckDBDestroyResult(ref _result);
    }
}
