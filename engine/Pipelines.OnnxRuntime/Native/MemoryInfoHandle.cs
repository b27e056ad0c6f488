using System.Runtime.InteropServices;

namespace Pipelines.OnnxRuntime.Native;

/// <summary>Owns an OrtMemoryInfo.</summary>
internal sealed class MemoryInfoHandle : SafeHandle
{
    public MemoryInfoHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseMemoryInfo(handle);
        return true;
    }
}
