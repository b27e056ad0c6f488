using System.Runtime.InteropServices;

namespace Pipelines.OnnxRuntime.Native;

/// <summary>Owns an OrtValue.</summary>
internal sealed class ValueHandle : SafeHandle
{
    public ValueHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseValue(handle);
        return true;
    }
}
