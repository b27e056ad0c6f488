using System.Runtime.CompilerServices;
using System.Text;
using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// Bulk insert into one table: Append one value per column in table order, then <see cref="EndRow"/>. Rows are
/// gathered in a columnar chunk of DuckDB's vector size and handed over a chunk at a time, which is far faster than
/// per-value calls. Values convert only where nothing is lost (e.g. long into INTEGER when in range); otherwise a
/// <see cref="DuckDbException"/> names the column. Constraint errors surface at <see cref="Flush"/>/<see cref="Close"/>.
/// Used by one thread at a time, like its connection.
/// </summary>
public sealed unsafe class DuckDbAppender : IDisposable
{
    private readonly AppenderHandle _appender;
    private readonly DataChunkHandle _chunk;
    private readonly ColumnLayout[] _layouts;
    private readonly IntPtr[] _vectors;
    private readonly IntPtr[] _data;
    private readonly IntPtr[] _validity;
    private readonly int _capacity;
    private readonly bool[] _doubleLists;
    private readonly long[] _listSizes;
    private readonly long[] _listCapacities;
    private readonly long[] _listSizeHints;
    private readonly IntPtr[] _listChildData;
    private byte[] _utf8 = new byte[256];
    private int _row;
    private int _column;
    private bool _closed;

    private DuckDbAppender(AppenderHandle appender, DataChunkHandle chunk, ColumnLayout[] layouts, bool[] doubleLists)
    {
        _appender = appender;
        _doubleLists = doubleLists;
        _listSizes = new long[layouts.Length];
        _listCapacities = new long[layouts.Length];
        _listSizeHints = new long[layouts.Length];
        _listChildData = new IntPtr[layouts.Length];
        _chunk = chunk;
        _layouts = layouts;
        _vectors = new IntPtr[layouts.Length];
        _data = new IntPtr[layouts.Length];
        _validity = new IntPtr[layouts.Length];
        _capacity = checked((int)NativeMethods.VectorSize());
        var rawChunk = chunk.DangerousGetHandle();
        for (var column = 0; column < layouts.Length; column++)
        {
            _vectors[column] = NativeMethods.DataChunkGetVector(rawChunk, (nuint)column);
        }

        RefreshVectorPointers();
    }

    public int ColumnCount => _layouts.Length;

    public DuckDbType ColumnType(int index) => _layouts[index].Type;

    internal static DuckDbAppender Create(IntPtr connection, string table, string? schema)
    {
        var state = NativeMethods.AppenderCreate(connection, schema, table, out var raw);
        var appender = new AppenderHandle(raw);
        try
        {
            if (state != NativeMethods.Success)
            {
                throw ErrorOf(raw, $"Cannot create an appender for table '{table}'");
            }

            var count = checked((int)NativeMethods.AppenderColumnCount(raw));
            var layouts = new ColumnLayout[count];
            var doubleLists = new bool[count];
            var types = new IntPtr[count];
            try
            {
                for (var column = 0; column < count; column++)
                {
                    types[column] = NativeMethods.AppenderColumnType(raw, (nuint)column);
                    layouts[column] = ColumnLayout.FromLogicalType(types[column]);
                    if (layouts[column].Type == DuckDbType.List)
                    {
                        var child = NativeMethods.ListTypeChildType(types[column]);
                        doubleLists[column] = (DuckDbType)NativeMethods.GetTypeId(child) == DuckDbType.Double;
                        NativeMethods.DestroyLogicalType(ref child);
                    }
                }

                fixed (IntPtr* typePointers = types)
                {
                    var chunk = new DataChunkHandle(NativeMethods.CreateDataChunk(typePointers, (nuint)count));
                    if (chunk.IsInvalid)
                    {
                        throw new DuckDbException($"DuckDB could not create a data chunk for table '{table}'.");
                    }

                    return new DuckDbAppender(appender, chunk, layouts, doubleLists);
                }
            }
            finally
            {
                for (var column = 0; column < count; column++)
                {
                    if (types[column] != IntPtr.Zero)
                    {
                        NativeMethods.DestroyLogicalType(ref types[column]);
                    }
                }
            }
        }
        catch
        {
            appender.Dispose();
            throw;
        }
    }

    public DuckDbAppender Append(long value)
    {
        var column = NextColumn();
        var target = (byte*)_data[column];
        var layout = _layouts[column];
        try
        {
            switch (layout.Type)
            {
                case DuckDbType.BigInt: Write(target, value); break;
                case DuckDbType.Integer: Write(target, checked((int)value)); break;
                case DuckDbType.SmallInt: Write(target, checked((short)value)); break;
                case DuckDbType.TinyInt: Write(target, checked((sbyte)value)); break;
                case DuckDbType.UBigInt: Write(target, checked((ulong)value)); break;
                case DuckDbType.UInteger: Write(target, checked((uint)value)); break;
                case DuckDbType.USmallInt: Write(target, checked((ushort)value)); break;
                case DuckDbType.UTinyInt: Write(target, checked((byte)value)); break;
                case DuckDbType.HugeInt: Write(target, (Int128)value); break;
                case DuckDbType.Double: Write(target, (double)value); break;
                case DuckDbType.Decimal: WriteDecimal(target, layout, value); break;
                default: throw Mismatch(column, "Int64");
            }
        }
        catch (OverflowException)
        {
            throw new DuckDbException($"Column {column} ({layout.TypeName}) cannot hold {value}.", DuckDbErrorType.OutOfRange);
        }

        _column++;
        return this;
    }

    public DuckDbAppender Append(int value) => Append((long)value);

    public DuckDbAppender Append(Int128 value)
    {
        var column = NextColumn();
        if (_layouts[column].Type != DuckDbType.HugeInt)
        {
            throw Mismatch(column, "Int128");
        }

        Write((byte*)_data[column], value);
        _column++;
        return this;
    }

    public DuckDbAppender Append(double value)
    {
        var column = NextColumn();
        var target = (byte*)_data[column];
        switch (_layouts[column].Type)
        {
            case DuckDbType.Double: Write(target, value); break;
            case DuckDbType.Float: Write(target, (float)value); break;
            default: throw Mismatch(column, "Double");
        }

        _column++;
        return this;
    }

    public DuckDbAppender Append(decimal value)
    {
        var column = NextColumn();
        var target = (byte*)_data[column];
        var layout = _layouts[column];
        switch (layout.Type)
        {
            case DuckDbType.Decimal:
                try
                {
                    WriteDecimal(target, layout, value);
                }
                catch (OverflowException)
                {
                    throw new DuckDbException($"Column {column} ({layout.TypeName}) cannot hold {value}.", DuckDbErrorType.OutOfRange);
                }

                break;
            case DuckDbType.Double: Write(target, (double)value); break;
            default: throw Mismatch(column, "Decimal");
        }

        _column++;
        return this;
    }

    public DuckDbAppender Append(bool value)
    {
        var column = NextColumn();
        if (_layouts[column].Type != DuckDbType.Boolean)
        {
            throw Mismatch(column, "Boolean");
        }

        Write((byte*)_data[column], value);
        _column++;
        return this;
    }

    /// <summary>TIMESTAMP / TIMESTAMPTZ in UTC microseconds, or DATE when the value is a midnight.</summary>
    public DuckDbAppender Append(DateTime value)
    {
        var column = NextColumn();
        var target = (byte*)_data[column];
        switch (_layouts[column].Type)
        {
            case DuckDbType.Timestamp or DuckDbType.TimestampTz: Write(target, ValueConversion.DateTimeToTimestamp(value)); break;
            case DuckDbType.Date: Write(target, ValueConversion.DateTimeToDate(value)); break;
            default: throw Mismatch(column, "DateTime");
        }

        _column++;
        return this;
    }

    public DuckDbAppender Append(DateOnly value)
    {
        var column = NextColumn();
        if (_layouts[column].Type != DuckDbType.Date)
        {
            throw Mismatch(column, "DateOnly");
        }

        Write((byte*)_data[column], ValueConversion.DateOnlyToDate(value));
        _column++;
        return this;
    }

    /// <summary>
    /// A DOUBLE[] value: the values are copied into the list column's child vector. Room in the child vector is
    /// reserved ahead (as much as the previous chunk used, else doubling) and the child's size is set when the chunk
    /// is handed over, so a row costs no native call.
    /// </summary>
    public DuckDbAppender Append(ReadOnlySpan<double> values)
    {
        var column = NextColumn();
        if (!_doubleLists[column])
        {
            throw Mismatch(column, "DOUBLE[]");
        }

        var offset = _listSizes[column];
        var size = offset + values.Length;
        if (size > _listCapacities[column])
        {
            ReserveListValues(column, Math.Max(size, Math.Max(_listSizeHints[column], 2 * _listCapacities[column])));
        }

        values.CopyTo(new Span<double>((double*)_listChildData[column] + offset, values.Length));
        // A list entry is (offset, length) into the child vector, two unsigned 64-bit integers.
        var entry = (ulong*)_data[column] + 2 * (nint)_row;
        entry[0] = (ulong)offset;
        entry[1] = (ulong)values.Length;
        _listSizes[column] = size;
        _column++;
        return this;
    }

    /// <summary>A VARCHAR value (UTF-8); null appends NULL.</summary>
    public DuckDbAppender Append(string? value)
    {
        if (value is null)
        {
            return AppendNull();
        }

        var column = NextColumn();
        if (_layouts[column].Type != DuckDbType.Varchar)
        {
            throw Mismatch(column, "String");
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < maxBytes)
        {
            _utf8 = new byte[Math.Max(maxBytes, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        fixed (byte* bytes = _utf8)
        {
            NativeMethods.VectorAssignStringElementUnchecked(_vectors[column], (nuint)_row, bytes, (nuint)length);
        }

        _column++;
        return this;
    }

    /// <summary>A BLOB value; null appends NULL.</summary>
    public DuckDbAppender Append(byte[]? value)
    {
        if (value is null)
        {
            return AppendNull();
        }

        var column = NextColumn();
        if (_layouts[column].Type != DuckDbType.Blob)
        {
            throw Mismatch(column, "byte[]");
        }

        byte empty = 0;
        fixed (byte* bytes = value)
        {
            NativeMethods.VectorAssignStringElementUnchecked(_vectors[column], (nuint)_row, bytes == null ? &empty : bytes, (nuint)value.Length);
        }

        _column++;
        return this;
    }

    /// <summary>NULL for the next column, whatever its type.</summary>
    public DuckDbAppender AppendNull()
    {
        var column = NextColumn();
        if (_validity[column] == IntPtr.Zero)
        {
            NativeMethods.VectorEnsureValidityWritable(_vectors[column]);
            _validity[column] = (IntPtr)NativeMethods.VectorGetValidity(_vectors[column]);
        }

        var mask = (ulong*)_validity[column];
        mask[_row >> 6] &= ~(1UL << (_row & 63));
        _column++;
        return this;
    }

    /// <summary>Appends by runtime type (the types of the typed overloads, smaller integers, null/DBNull).</summary>
    public DuckDbAppender AppendValue(object? value) => value switch
    {
        null or DBNull => AppendNull(),
        long v => Append(v),
        int v => Append(v),
        short v => Append(v),
        sbyte v => Append(v),
        byte v => Append(v),
        ushort v => Append(v),
        uint v => Append(v),
        Int128 v => Append(v),
        double v => Append(v),
        float v => Append(v),
        decimal v => Append(v),
        bool v => Append(v),
        string v => Append(v),
        byte[] v => Append(v),
        DateTime v => Append(v),
        DateOnly v => Append(v),
        _ => throw new ArgumentException($"Values of type {value.GetType().FullName} cannot be appended.", nameof(value)),
    };

    public void EndRow()
    {
        CheckOpen();
        if (_column != _layouts.Length)
        {
            throw new InvalidOperationException($"The row has {_column} value(s) but the table has {_layouts.Length} column(s).");
        }

        _column = 0;
        if (++_row == _capacity)
        {
            SendChunk();
        }
    }

    /// <summary>Writes all complete rows into the table; DuckDB's constraint errors surface here.</summary>
    public void Flush()
    {
        CheckOpen();
        SendChunk();
        if (NativeMethods.AppenderFlush(_appender.DangerousGetHandle()) != NativeMethods.Success)
        {
            throw ErrorOf(_appender.DangerousGetHandle(), "Appender flush failed");
        }
    }

    /// <summary>Flushes and closes; throws if a row was left incomplete or DuckDB rejects the data.</summary>
    public void Close()
    {
        CheckOpen();
        if (_column != 0)
        {
            throw new InvalidOperationException($"The last row is incomplete ({_column} of {_layouts.Length} values); call EndRow first.");
        }

        Finish();
    }

    /// <summary>
    /// Closes if still open: complete rows are written, an incomplete last row is dropped, and DuckDB's errors are
    /// thrown; native resources are released in every case.
    /// </summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        Finish();
    }

    private void Finish()
    {
        _closed = true;
        try
        {
            SendChunk();
            if (NativeMethods.AppenderClose(_appender.DangerousGetHandle()) != NativeMethods.Success)
            {
                throw ErrorOf(_appender.DangerousGetHandle(), "Appender close failed");
            }
        }
        finally
        {
            _chunk.Dispose();
            _appender.Dispose();
        }
    }

    private void ReserveListValues(int column, long capacity)
    {
        var vector = _vectors[column];
        if (NativeMethods.ListVectorReserve(vector, (nuint)capacity) != NativeMethods.Success)
        {
            throw new DuckDbException($"DuckDB could not make room for {capacity} list values in column {column}.");
        }

        // Reserving may move the child's buffer.
        _listChildData[column] = (IntPtr)NativeMethods.VectorGetData(NativeMethods.ListVectorGetChild(vector));
        _listCapacities[column] = capacity;
    }

    private void SendChunk()
    {
        if (_row == 0)
        {
            return;
        }

        for (var column = 0; column < _vectors.Length; column++)
        {
            if (_doubleLists[column])
            {
                NativeMethods.ListVectorSetSize(_vectors[column], (nuint)_listSizes[column]);
                _listSizeHints[column] = Math.Max(_listSizeHints[column], _listSizes[column]);
            }
        }

        var chunk = _chunk.DangerousGetHandle();
        NativeMethods.DataChunkSetSize(chunk, (nuint)_row);
        var state = NativeMethods.AppendDataChunk(_appender.DangerousGetHandle(), chunk);
        NativeMethods.DataChunkReset(chunk);
        _row = 0;
        RefreshVectorPointers();
        if (state != NativeMethods.Success)
        {
            throw ErrorOf(_appender.DangerousGetHandle(), "Appending rows failed");
        }
    }

    // Resetting a chunk may move its buffers and drops validity masks, so pointers are fetched again; list columns
    // start filling their child vectors from the beginning again, reserving room anew.
    private void RefreshVectorPointers()
    {
        for (var column = 0; column < _vectors.Length; column++)
        {
            _data[column] = (IntPtr)NativeMethods.VectorGetData(_vectors[column]);
            _validity[column] = IntPtr.Zero;
            if (_doubleLists[column])
            {
                NativeMethods.ListVectorSetSize(_vectors[column], 0);
                _listSizes[column] = 0;
                _listCapacities[column] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextColumn()
    {
        CheckOpen();
        var column = _column;
        if (column >= _layouts.Length)
        {
            throw new InvalidOperationException($"The row already has all {_layouts.Length} values; call EndRow.");
        }

        return column;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckOpen() => ObjectDisposedException.ThrowIf(_closed, this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Write<T>(byte* columnData, T value)
        where T : unmanaged => Unsafe.WriteUnaligned(columnData + (nint)_row * sizeof(T), value);

    private void WriteDecimal(byte* target, ColumnLayout layout, decimal value)
    {
        var unscaled = ValueConversion.DecimalToUnscaled(value, layout.DecimalWidth, layout.DecimalScale);
        switch (layout.DecimalStorage)
        {
            case DuckDbType.SmallInt: Write(target, (short)unscaled); break;
            case DuckDbType.Integer: Write(target, (int)unscaled); break;
            case DuckDbType.BigInt: Write(target, (long)unscaled); break;
            case DuckDbType.HugeInt: Write(target, unscaled); break;
            default: throw new NotSupportedException($"DECIMAL stored as {layout.DecimalStorage} is not supported.");
        }
    }

    private DuckDbException Mismatch(int column, string valueType) =>
        new($"Column {column} is {_layouts[column].TypeName}; a {valueType} value cannot be appended to it.", DuckDbErrorType.MismatchType);

    private static DuckDbException ErrorOf(IntPtr appender, string context)
    {
        var error = NativeMethods.AppenderErrorData(appender);
        try
        {
            if (error == IntPtr.Zero || !NativeMethods.ErrorDataHasError(error))
            {
                return new DuckDbException($"{context}.");
            }

            return new DuckDbException(
                $"{context}: {NativeMethods.ReadUtf8(NativeMethods.ErrorDataMessage(error))}",
                (DuckDbErrorType)NativeMethods.ErrorDataType(error));
        }
        finally
        {
            if (error != IntPtr.Zero)
            {
                NativeMethods.DestroyErrorData(ref error);
            }
        }
    }
}
