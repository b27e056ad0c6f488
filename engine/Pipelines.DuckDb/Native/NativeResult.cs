using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Layout of duckdb_result: four deprecated fields followed by the internal pointer (48 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeResult
{
    public nuint DeprecatedColumnCount;
    public nuint DeprecatedRowCount;
    public nuint DeprecatedRowsChanged;
    public IntPtr DeprecatedColumns;
    public IntPtr DeprecatedErrorMessage;
    public IntPtr InternalData;
}
