using System.Runtime.InteropServices;

namespace Pipelines.OnnxRuntime.Native;

/// <summary>An array of NUL-terminated UTF-8 strings in native memory, as ONNX Runtime takes input and output names.</summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    public NativeStrings(int count)
    {
        Count = count;
        Pointers = (IntPtr*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(IntPtr));
    }

    public int Count { get; }

    public IntPtr* Pointers { get; private set; }

    public void Set(int index, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Pointers[index] != IntPtr.Zero) Marshal.FreeCoTaskMem(Pointers[index]);
        Pointers[index] = Marshal.StringToCoTaskMemUTF8(value);
    }

    public void Dispose()
    {
        if (Pointers == null) return;
        for (int i = 0; i < Count; i++)
        {
            if (Pointers[i] != IntPtr.Zero) Marshal.FreeCoTaskMem(Pointers[i]);
        }
        NativeMemory.Free(Pointers);
        Pointers = null;
    }
}
