using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Layout of duckdb_hugeint: low 64 bits unsigned, high 64 bits signed.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeHugeInt
{
    public ulong Lower;
    public long Upper;

    public NativeHugeInt(Int128 value)
    {
        Lower = (ulong)(value & ulong.MaxValue);
        Upper = (long)(value >> 64);
    }
}
