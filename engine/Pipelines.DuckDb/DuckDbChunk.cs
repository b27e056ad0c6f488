using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// A batch of up to 2048 result rows in DuckDB's columnar memory. Dispose it when done; its
/// <see cref="DuckDbVector"/>s and their spans are valid until then.
/// </summary>
public sealed unsafe class DuckDbChunk : IDisposable
{
    private readonly DataChunkHandle _handle;
    private readonly ColumnLayout[] _layouts;

    internal DuckDbChunk(DataChunkHandle handle, ColumnLayout[] layouts)
    {
        _handle = handle;
        _layouts = layouts;
        RowCount = checked((int)NativeMethods.DataChunkGetSize(handle.DangerousGetHandle()));
    }

    public int RowCount { get; }

    public int ColumnCount => _layouts.Length;

    public DuckDbVector GetColumn(int index)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if ((uint)index >= (uint)_layouts.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The chunk has {_layouts.Length} columns.");
        }

        var vector = NativeMethods.DataChunkGetVector(_handle.DangerousGetHandle(), (nuint)index);
        return new DuckDbVector(
            _handle,
            NativeMethods.VectorGetData(vector),
            NativeMethods.VectorGetValidity(vector),
            RowCount,
            _layouts[index]);
    }

    public void Dispose() => _handle.Dispose();
}
