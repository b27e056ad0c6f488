using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Owns a duckdb_database; closing it releases the file lock once no connection uses it.</summary>
internal sealed class DatabaseHandle : SafeHandle
{
    public DatabaseHandle(IntPtr database) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(database);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.Close(ref handle);
        return true;
    }
}
