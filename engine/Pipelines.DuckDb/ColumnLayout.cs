using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>What is needed to decode one column's vector: its type and, for DECIMAL, width, scale and storage.</summary>
internal readonly record struct ColumnLayout(DuckDbType Type, byte DecimalWidth, byte DecimalScale, DuckDbType DecimalStorage)
{
    /// <summary>Reads the layout from a logical type; the caller keeps ownership of the logical type.</summary>
    public static ColumnLayout FromLogicalType(IntPtr logicalType)
    {
        var type = (DuckDbType)NativeMethods.GetTypeId(logicalType);
        return type == DuckDbType.Decimal
            ? new ColumnLayout(
                type,
                NativeMethods.DecimalWidth(logicalType),
                NativeMethods.DecimalScale(logicalType),
                (DuckDbType)NativeMethods.DecimalInternalType(logicalType))
            : new ColumnLayout(type, 0, 0, DuckDbType.Invalid);
    }

    public string TypeName => Type == DuckDbType.Decimal ? $"DECIMAL({DecimalWidth},{DecimalScale})" : Type.ToString().ToUpperInvariant();
}
