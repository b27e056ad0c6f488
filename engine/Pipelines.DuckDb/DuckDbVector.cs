using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// One column of a <see cref="DuckDbChunk"/>: zero-copy typed access to DuckDB's vector memory. Valid only while
/// its chunk is not disposed; spans obtained from it must not outlive the chunk.
/// </summary>
public readonly unsafe struct DuckDbVector
{
    // duckdb_string_t: a uint32 length, then either 12 inlined bytes or a 4-byte prefix and a pointer.
    private const int StringSize = 16;
    private const int MaxInlinedLength = 12;

    private readonly DataChunkHandle _chunk;
    private readonly byte* _data;
    private readonly ulong* _validity;
    private readonly ColumnLayout _layout;

    internal DuckDbVector(DataChunkHandle chunk, void* data, ulong* validity, int rowCount, ColumnLayout layout)
    {
        _chunk = chunk;
        _data = (byte*)data;
        _validity = validity;
        RowCount = rowCount;
        _layout = layout;
    }

    public DuckDbType Type => _layout.Type;

    public int RowCount { get; }

    /// <summary>Digits after the decimal point for DECIMAL columns, 0 otherwise.</summary>
    public int DecimalScale => _layout.DecimalScale;

    /// <summary>True when the row holds a value (not NULL). DuckDB omits the mask when no row is NULL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsValid(int row)
    {
        CheckRow(row);
        return _validity == null || (_validity[row >> 6] & (1UL << (row & 63))) != 0;
    }

    public bool IsNull(int row) => !IsValid(row);

    public ReadOnlySpan<bool> GetBooleans() => Values<bool>(DuckDbType.Boolean);

    public ReadOnlySpan<sbyte> GetSBytes() => Values<sbyte>(DuckDbType.TinyInt);

    public ReadOnlySpan<short> GetInt16s() => Values<short>(DuckDbType.SmallInt);

    public ReadOnlySpan<int> GetInt32s() => Values<int>(DuckDbType.Integer);

    /// <summary>BIGINT values; also the raw microseconds of TIMESTAMP and TIMESTAMP WITH TIME ZONE columns.</summary>
    public ReadOnlySpan<long> GetInt64s()
    {
        var type = _layout.Type;
        return type is DuckDbType.Timestamp or DuckDbType.TimestampTz
            ? Values<long>(type)
            : Values<long>(DuckDbType.BigInt);
    }

    public ReadOnlySpan<ulong> GetUInt64s() => Values<ulong>(DuckDbType.UBigInt);

    public ReadOnlySpan<float> GetSingles() => Values<float>(DuckDbType.Float);

    public ReadOnlySpan<double> GetDoubles() => Values<double>(DuckDbType.Double);

    /// <summary>The UTF-8 bytes of a VARCHAR (or BLOB) row, without copying. Throws for NULL rows.</summary>
    public ReadOnlySpan<byte> GetUtf8(int row)
    {
        if (_layout.Type is not (DuckDbType.Varchar or DuckDbType.Blob))
        {
            throw WrongType("string");
        }

        CheckValue(row);
        var entry = _data + (nint)row * StringSize;
        var length = *(uint*)entry;
        var bytes = length <= MaxInlinedLength ? entry + sizeof(uint) : *(byte**)(entry + 8);
        return new ReadOnlySpan<byte>(bytes, (int)length);
    }

    public string GetString(int row) => Encoding.UTF8.GetString(GetUtf8(row));

    public byte[] GetBlob(int row) => GetUtf8(row).ToArray();

    /// <summary>TIMESTAMP (any precision), TIMESTAMP WITH TIME ZONE or DATE as a UTC DateTime.</summary>
    public DateTime GetDateTime(int row)
    {
        CheckValue(row);
        return _layout.Type switch
        {
            DuckDbType.Timestamp or DuckDbType.TimestampTz => ValueConversion.TimestampToDateTime(Read<long>(row)),
            DuckDbType.TimestampSeconds => ValueConversion.TimestampToDateTime(checked(Read<long>(row) * 1_000_000)),
            DuckDbType.TimestampMilliseconds => ValueConversion.TimestampToDateTime(checked(Read<long>(row) * 1_000)),
            DuckDbType.TimestampNanoseconds => ValueConversion.TimestampToDateTime(FloorDivide(Read<long>(row), 1_000)),
            DuckDbType.Date => ValueConversion.DateToDateTime(Read<int>(row)),
            _ => throw WrongType("DateTime"),
        };
    }

    public DateOnly GetDateOnly(int row)
    {
        if (_layout.Type != DuckDbType.Date)
        {
            throw WrongType("DateOnly");
        }

        CheckValue(row);
        return ValueConversion.DateToDateOnly(Read<int>(row));
    }

    /// <summary>DECIMAL values exactly (throws when System.Decimal cannot hold them), or any integer column.</summary>
    public decimal GetDecimal(int row)
    {
        CheckValue(row);
        if (_layout.Type != DuckDbType.Decimal)
        {
            return _layout.Type is DuckDbType.HugeInt ? (decimal)Read<Int128>(row) : (decimal)GetInt128(row);
        }

        Int128 unscaled = _layout.DecimalStorage switch
        {
            DuckDbType.SmallInt => Read<short>(row),
            DuckDbType.Integer => Read<int>(row),
            DuckDbType.BigInt => Read<long>(row),
            DuckDbType.HugeInt => Read<Int128>(row),
            _ => throw new NotSupportedException($"DECIMAL stored as {_layout.DecimalStorage} is not supported."),
        };
        return ValueConversion.UnscaledToDecimal(unscaled, _layout.DecimalScale);
    }

    /// <summary>Any signed or unsigned integer column (HUGEINT included) widened to Int128.</summary>
    public Int128 GetInt128(int row)
    {
        CheckValue(row);
        return _layout.Type switch
        {
            DuckDbType.TinyInt => Read<sbyte>(row),
            DuckDbType.SmallInt => Read<short>(row),
            DuckDbType.Integer => Read<int>(row),
            DuckDbType.BigInt => Read<long>(row),
            DuckDbType.UTinyInt => Read<byte>(row),
            DuckDbType.USmallInt => Read<ushort>(row),
            DuckDbType.UInteger => Read<uint>(row),
            DuckDbType.UBigInt => Read<ulong>(row),
            DuckDbType.HugeInt => Read<Int128>(row),
            _ => throw WrongType("Int128"),
        };
    }

    /// <summary>
    /// The row as a .NET object: signed and unsigned integers up to 32 bits and BIGINT as long, UBIGINT as ulong,
    /// HUGEINT as Int128, UHUGEINT as UInt128, FLOAT and DOUBLE as double, DECIMAL as decimal, VARCHAR as string,
    /// BLOB as byte[], BOOLEAN as bool, TIMESTAMP variants as UTC DateTime, DATE as DateOnly, TIME as TimeOnly,
    /// NULL as null.
    /// </summary>
    public object? GetValue(int row)
    {
        if (!IsValid(row))
        {
            return null;
        }

        return _layout.Type switch
        {
            DuckDbType.Boolean => Read<bool>(row),
            DuckDbType.TinyInt => (long)Read<sbyte>(row),
            DuckDbType.SmallInt => (long)Read<short>(row),
            DuckDbType.Integer => (long)Read<int>(row),
            DuckDbType.BigInt => Read<long>(row),
            DuckDbType.UTinyInt => (long)Read<byte>(row),
            DuckDbType.USmallInt => (long)Read<ushort>(row),
            DuckDbType.UInteger => (long)Read<uint>(row),
            DuckDbType.UBigInt => Read<ulong>(row),
            DuckDbType.HugeInt => Read<Int128>(row),
            DuckDbType.UHugeInt => Read<UInt128>(row),
            DuckDbType.Float => (double)Read<float>(row),
            DuckDbType.Double => Read<double>(row),
            DuckDbType.Decimal => GetDecimal(row),
            DuckDbType.Varchar => GetString(row),
            DuckDbType.Blob => GetBlob(row),
            DuckDbType.Date => GetDateOnly(row),
            DuckDbType.Time => ValueConversion.TimeToTimeOnly(Read<long>(row)),
            DuckDbType.Timestamp or DuckDbType.TimestampTz or DuckDbType.TimestampSeconds
                or DuckDbType.TimestampMilliseconds or DuckDbType.TimestampNanoseconds => GetDateTime(row),
            _ => throw new NotSupportedException(
                $"Reading {_layout.TypeName} values is not supported; cast the column in SQL (e.g. to VARCHAR)."),
        };
    }

    private ReadOnlySpan<T> Values<T>(DuckDbType expected)
        where T : unmanaged
    {
        if (_layout.Type != expected)
        {
            throw WrongType(typeof(T).Name);
        }

        ObjectDisposedException.ThrowIf(_chunk.IsClosed, typeof(DuckDbChunk));
        return new ReadOnlySpan<T>(_data, RowCount);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T Read<T>(int row)
        where T : unmanaged => Unsafe.ReadUnaligned<T>(_data + (nint)row * sizeof(T));

    private void CheckValue(int row)
    {
        if (!IsValid(row))
        {
            throw new InvalidOperationException($"Row {row} is NULL; check IsValid before reading a value.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckRow(int row)
    {
        ObjectDisposedException.ThrowIf(_chunk.IsClosed, typeof(DuckDbChunk));
        if ((uint)row >= (uint)RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"The chunk has {RowCount} rows.");
        }
    }

    private static long FloorDivide(long value, long divisor)
    {
        var (quotient, remainder) = Math.DivRem(value, divisor);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    private InvalidOperationException WrongType(string requested) =>
        new($"Cannot read a {_layout.TypeName} column as {requested}.");
}
