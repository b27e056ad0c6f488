using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Owns a duckdb_data_chunk, either fetched from a result or created for appending.</summary>
internal sealed class DataChunkHandle : SafeHandle
{
    public DataChunkHandle(IntPtr chunk) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(chunk);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.DestroyDataChunk(ref handle);
        return true;
    }
}
