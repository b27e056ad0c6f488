using System.Runtime.InteropServices;

namespace Pipelines.OnnxRuntime.Native;

/// <summary>Owns an OrtSession.</summary>
internal sealed class SessionHandle : SafeHandle
{
    public SessionHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSession(handle);
        return true;
    }
}
