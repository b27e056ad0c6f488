using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>
/// Owns a duckdb_result. The C API fills a caller-provided struct, so the struct lives in native memory owned
/// by this handle and is destroyed, then freed, on release.
/// </summary>
internal sealed unsafe class ResultHandle : SafeHandle
{
    public ResultHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle((IntPtr)NativeMemory.AllocZeroed((nuint)sizeof(NativeResult)));
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public NativeResult* Pointer => (NativeResult*)handle;

    protected override bool ReleaseHandle()
    {
        NativeMethods.DestroyResult((NativeResult*)handle);
        NativeMemory.Free((void*)handle);
        return true;
    }
}
