using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Owns a duckdb_prepared_statement.</summary>
internal sealed class PreparedStatementHandle : SafeHandle
{
    public PreparedStatementHandle(IntPtr statement) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(statement);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.DestroyPrepare(ref handle);
        return true;
    }
}
