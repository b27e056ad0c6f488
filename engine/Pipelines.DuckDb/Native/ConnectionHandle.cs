using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Owns a duckdb_connection.</summary>
internal sealed class ConnectionHandle : SafeHandle
{
    public ConnectionHandle(IntPtr connection) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(connection);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.Disconnect(ref handle);
        return true;
    }
}
