using System.Runtime.InteropServices;

namespace Pipelines.OnnxRuntime.Native;

/// <summary>Owns an OrtSessionOptions.</summary>
internal sealed class SessionOptionsHandle : SafeHandle
{
    public SessionOptionsHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSessionOptions(handle);
        return true;
    }
}
