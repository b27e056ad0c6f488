using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Layout of duckdb_decimal: width and scale bytes, then the unscaled value as a hugeint.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeDecimal
{
    public byte Width;
    public byte Scale;
    public NativeHugeInt Value;
}
