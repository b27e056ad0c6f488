using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Owns a duckdb_appender. Destroying flushes and closes it; errors there are reported earlier by Close.</summary>
internal sealed class AppenderHandle : SafeHandle
{
    public AppenderHandle(IntPtr appender) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(appender);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.AppenderDestroy(ref handle);
        return true;
    }
}
