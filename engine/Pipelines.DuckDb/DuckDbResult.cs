using System.Diagnostics.CodeAnalysis;
using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// A materialized query result, read chunk by chunk (<see cref="TryFetchChunk"/>, <see cref="Chunks"/>) or all at
/// once (<see cref="ReadAllRows"/>). Each chunk is handed out once.
/// </summary>
public sealed unsafe class DuckDbResult : IDisposable
{
    private readonly ResultHandle _handle;
    private readonly string[] _names;
    private readonly ColumnLayout[] _layouts;

    internal DuckDbResult(ResultHandle handle)
    {
        _handle = handle;
        var result = handle.Pointer;
        var count = checked((int)NativeMethods.ColumnCount(result));
        _names = new string[count];
        _layouts = new ColumnLayout[count];
        for (var column = 0; column < count; column++)
        {
            _names[column] = NativeMethods.ReadUtf8(NativeMethods.ColumnName(result, (nuint)column)) ?? string.Empty;
            var logicalType = NativeMethods.ColumnLogicalType(result, (nuint)column);
            try
            {
                _layouts[column] = ColumnLayout.FromLogicalType(logicalType);
            }
            finally
            {
                NativeMethods.DestroyLogicalType(ref logicalType);
            }
        }

        RowsChanged = (long)NativeMethods.RowsChanged(result);
    }

    public int ColumnCount => _names.Length;

    /// <summary>Rows inserted, updated or deleted by the statement; 0 for queries.</summary>
    public long RowsChanged { get; }

    public string ColumnName(int index) => _names[CheckColumn(index)];

    public DuckDbType ColumnType(int index) => _layouts[CheckColumn(index)].Type;

    /// <summary>Index of the column named <paramref name="name"/> (ordinal, case-sensitive), or -1.</summary>
    public int ColumnIndex(string name) => Array.IndexOf(_names, name);

    /// <summary>The next chunk, or false once the result is exhausted. The caller disposes the chunk.</summary>
    public bool TryFetchChunk([NotNullWhen(true)] out DuckDbChunk? chunk)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var handle = new DataChunkHandle(NativeMethods.FetchChunk(*_handle.Pointer));
        if (handle.IsInvalid)
        {
            // A null chunk means either the end or a failure while producing rows; DuckDB records the latter.
            var error = NativeMethods.ReadUtf8(NativeMethods.ResultError(_handle.Pointer));
            if (!string.IsNullOrEmpty(error))
            {
                throw new DuckDbException(error, (DuckDbErrorType)NativeMethods.ResultErrorType(_handle.Pointer));
            }

            chunk = null;
            return false;
        }

        chunk = new DuckDbChunk(handle, _layouts);
        if (chunk.RowCount == 0)
        {
            chunk.Dispose();
            chunk = null;
            return false;
        }

        return true;
    }

    /// <summary>The remaining chunks; each is disposed when the enumeration moves past it.</summary>
    public IEnumerable<DuckDbChunk> Chunks()
    {
        while (TryFetchChunk(out var chunk))
        {
            using (chunk)
            {
                yield return chunk;
            }
        }
    }

    /// <summary>The remaining rows as object arrays (types as in <see cref="DuckDbVector.GetValue"/>).</summary>
    public List<object?[]> ReadAllRows()
    {
        var rows = new List<object?[]>();
        var vectors = new DuckDbVector[ColumnCount];
        foreach (var chunk in Chunks())
        {
            for (var column = 0; column < vectors.Length; column++)
            {
                vectors[column] = chunk.GetColumn(column);
            }

            for (var row = 0; row < chunk.RowCount; row++)
            {
                var values = new object?[vectors.Length];
                for (var column = 0; column < vectors.Length; column++)
                {
                    values[column] = vectors[column].GetValue(row);
                }

                rows.Add(values);
            }
        }

        return rows;
    }

    public void Dispose() => _handle.Dispose();

    private int CheckColumn(int index)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if ((uint)index >= (uint)_names.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The result has {_names.Length} columns.");
        }

        return index;
    }

    /// <summary>Runs <paramref name="run"/> into a fresh result; on failure throws DuckDB's error text and type.</summary>
    internal static DuckDbResult Run(Func<IntPtr, int> run)
    {
        var handle = new ResultHandle();
        try
        {
            if (run((IntPtr)handle.Pointer) != NativeMethods.Success)
            {
                throw new DuckDbException(
                    NativeMethods.ReadUtf8(NativeMethods.ResultError(handle.Pointer)) ?? "DuckDB reported an error without a message.",
                    (DuckDbErrorType)NativeMethods.ResultErrorType(handle.Pointer));
            }

            return new DuckDbResult(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
