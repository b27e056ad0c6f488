using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipelines.DuckDb.Native;

/// <summary>Entry points of DuckDB's C API (duckdb.h, 1.5.x) used by this binding.</summary>
/// <remarks>
/// Handles are passed as raw pointers; the managed wrappers own them through SafeHandles and check for
/// disposal before every call. idx_t is size_t (nuint) on every supported platform.
/// </remarks>
internal static unsafe partial class NativeMethods
{
    private const string Library = "duckdb";

    public const int Success = 0;

    // An explicit static constructor runs before the first native call, so the resolver is in place in time.
    static NativeMethods()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, ResolveDuckDb);
    }

    private static IntPtr ResolveDuckDb(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Library)
        {
            return IntPtr.Zero;
        }

        var besideBinaries = Path.Combine(AppContext.BaseDirectory, "libduckdb.so");
        if (NativeLibrary.TryLoad(besideBinaries, out var handle))
        {
            return handle;
        }

        return NativeLibrary.TryLoad(libraryName, assembly, searchPath, out handle) ? handle : IntPtr.Zero;
    }

    // --- library, memory -------------------------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_library_version")]
    public static partial byte* LibraryVersion();

    [LibraryImport(Library, EntryPoint = "duckdb_free")]
    public static partial void Free(void* pointer);

    [LibraryImport(Library, EntryPoint = "duckdb_vector_size")]
    public static partial nuint VectorSize();

    // --- database, connection, config -----------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_open_ext", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenExt(string? path, out IntPtr database, IntPtr config, out byte* error);

    [LibraryImport(Library, EntryPoint = "duckdb_close")]
    public static partial void Close(ref IntPtr database);

    [LibraryImport(Library, EntryPoint = "duckdb_connect")]
    public static partial int Connect(IntPtr database, out IntPtr connection);

    [LibraryImport(Library, EntryPoint = "duckdb_disconnect")]
    public static partial void Disconnect(ref IntPtr connection);

    [LibraryImport(Library, EntryPoint = "duckdb_interrupt")]
    public static partial void Interrupt(IntPtr connection);

    [LibraryImport(Library, EntryPoint = "duckdb_create_config")]
    public static partial int CreateConfig(out IntPtr config);

    [LibraryImport(Library, EntryPoint = "duckdb_set_config", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetConfig(IntPtr config, string name, string option);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_config")]
    public static partial void DestroyConfig(ref IntPtr config);

    // --- query results ---------------------------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_query", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Query(IntPtr connection, string query, NativeResult* result);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_result")]
    public static partial void DestroyResult(NativeResult* result);

    [LibraryImport(Library, EntryPoint = "duckdb_column_name")]
    public static partial byte* ColumnName(NativeResult* result, nuint column);

    [LibraryImport(Library, EntryPoint = "duckdb_column_type")]
    public static partial int ColumnType(NativeResult* result, nuint column);

    [LibraryImport(Library, EntryPoint = "duckdb_column_logical_type")]
    public static partial IntPtr ColumnLogicalType(NativeResult* result, nuint column);

    [LibraryImport(Library, EntryPoint = "duckdb_column_count")]
    public static partial nuint ColumnCount(NativeResult* result);

    [LibraryImport(Library, EntryPoint = "duckdb_rows_changed")]
    public static partial nuint RowsChanged(NativeResult* result);

    [LibraryImport(Library, EntryPoint = "duckdb_result_error")]
    public static partial byte* ResultError(NativeResult* result);

    [LibraryImport(Library, EntryPoint = "duckdb_result_error_type")]
    public static partial int ResultErrorType(NativeResult* result);

    // duckdb_fetch_chunk takes the result struct by value.
    [LibraryImport(Library, EntryPoint = "duckdb_fetch_chunk")]
    public static partial IntPtr FetchChunk(NativeResult result);

    // --- prepared statements ---------------------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_prepare", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Prepare(IntPtr connection, string query, out IntPtr statement);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_prepare")]
    public static partial void DestroyPrepare(ref IntPtr statement);

    [LibraryImport(Library, EntryPoint = "duckdb_prepare_error")]
    public static partial byte* PrepareError(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "duckdb_nparams")]
    public static partial nuint ParameterCount(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "duckdb_clear_bindings")]
    public static partial int ClearBindings(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_boolean")]
    public static partial int BindBoolean(IntPtr statement, nuint index, [MarshalAs(UnmanagedType.U1)] bool value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_int32")]
    public static partial int BindInt32(IntPtr statement, nuint index, int value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_int64")]
    public static partial int BindInt64(IntPtr statement, nuint index, long value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_uint64")]
    public static partial int BindUInt64(IntPtr statement, nuint index, ulong value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_hugeint")]
    public static partial int BindHugeInt(IntPtr statement, nuint index, NativeHugeInt value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_decimal")]
    public static partial int BindDecimal(IntPtr statement, nuint index, NativeDecimal value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_float")]
    public static partial int BindFloat(IntPtr statement, nuint index, float value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_double")]
    public static partial int BindDouble(IntPtr statement, nuint index, double value);

    // duckdb_date and duckdb_timestamp are single-field structs, passed exactly like their field.
    [LibraryImport(Library, EntryPoint = "duckdb_bind_date")]
    public static partial int BindDate(IntPtr statement, nuint index, int days);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_timestamp")]
    public static partial int BindTimestamp(IntPtr statement, nuint index, long micros);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_varchar_length")]
    public static partial int BindVarcharLength(IntPtr statement, nuint index, byte* value, nuint length);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_blob")]
    public static partial int BindBlob(IntPtr statement, nuint index, byte* data, nuint length);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_null")]
    public static partial int BindNull(IntPtr statement, nuint index);

    [LibraryImport(Library, EntryPoint = "duckdb_execute_prepared")]
    public static partial int ExecutePrepared(IntPtr statement, NativeResult* result);

    // --- logical types ---------------------------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_get_type_id")]
    public static partial int GetTypeId(IntPtr logicalType);

    [LibraryImport(Library, EntryPoint = "duckdb_decimal_width")]
    public static partial byte DecimalWidth(IntPtr logicalType);

    [LibraryImport(Library, EntryPoint = "duckdb_decimal_scale")]
    public static partial byte DecimalScale(IntPtr logicalType);

    [LibraryImport(Library, EntryPoint = "duckdb_decimal_internal_type")]
    public static partial int DecimalInternalType(IntPtr logicalType);

    [LibraryImport(Library, EntryPoint = "duckdb_list_type_child_type")]
    public static partial IntPtr ListTypeChildType(IntPtr logicalType);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_logical_type")]
    public static partial void DestroyLogicalType(ref IntPtr logicalType);

    // --- data chunks and vectors -----------------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_create_data_chunk")]
    public static partial IntPtr CreateDataChunk(IntPtr* types, nuint columnCount);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_data_chunk")]
    public static partial void DestroyDataChunk(ref IntPtr chunk);

    [LibraryImport(Library, EntryPoint = "duckdb_data_chunk_reset")]
    public static partial void DataChunkReset(IntPtr chunk);

    [LibraryImport(Library, EntryPoint = "duckdb_data_chunk_get_column_count")]
    public static partial nuint DataChunkColumnCount(IntPtr chunk);

    [LibraryImport(Library, EntryPoint = "duckdb_data_chunk_get_vector")]
    public static partial IntPtr DataChunkGetVector(IntPtr chunk, nuint column);

    [LibraryImport(Library, EntryPoint = "duckdb_data_chunk_get_size")]
    public static partial nuint DataChunkGetSize(IntPtr chunk);

    [LibraryImport(Library, EntryPoint = "duckdb_data_chunk_set_size")]
    public static partial void DataChunkSetSize(IntPtr chunk, nuint size);

    [LibraryImport(Library, EntryPoint = "duckdb_vector_get_data")]
    public static partial void* VectorGetData(IntPtr vector);

    [LibraryImport(Library, EntryPoint = "duckdb_vector_get_validity")]
    public static partial ulong* VectorGetValidity(IntPtr vector);

    [LibraryImport(Library, EntryPoint = "duckdb_list_vector_get_child")]
    public static partial IntPtr ListVectorGetChild(IntPtr vector);

    [LibraryImport(Library, EntryPoint = "duckdb_list_vector_set_size")]
    public static partial int ListVectorSetSize(IntPtr vector, nuint size);

    [LibraryImport(Library, EntryPoint = "duckdb_list_vector_reserve")]
    public static partial int ListVectorReserve(IntPtr vector, nuint capacity);

    [LibraryImport(Library, EntryPoint = "duckdb_vector_ensure_validity_writable")]
    public static partial void VectorEnsureValidityWritable(IntPtr vector);

    // Skips DuckDB's UTF-8 validation: .NET's encoder only produces valid UTF-8, and BLOBs are never validated.
    [LibraryImport(Library, EntryPoint = "duckdb_unsafe_vector_assign_string_element_len")]
    public static partial void VectorAssignStringElementUnchecked(IntPtr vector, nuint index, byte* value, nuint length);

    // --- appender --------------------------------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_appender_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int AppenderCreate(IntPtr connection, string? schema, string table, out IntPtr appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_column_count")]
    public static partial nuint AppenderColumnCount(IntPtr appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_column_type")]
    public static partial IntPtr AppenderColumnType(IntPtr appender, nuint column);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_error_data")]
    public static partial IntPtr AppenderErrorData(IntPtr appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_flush")]
    public static partial int AppenderFlush(IntPtr appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_close")]
    public static partial int AppenderClose(IntPtr appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_destroy")]
    public static partial int AppenderDestroy(ref IntPtr appender);

    [LibraryImport(Library, EntryPoint = "duckdb_append_data_chunk")]
    public static partial int AppendDataChunk(IntPtr appender, IntPtr chunk);

    // --- error data ------------------------------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "duckdb_error_data_error_type")]
    public static partial int ErrorDataType(IntPtr errorData);

    [LibraryImport(Library, EntryPoint = "duckdb_error_data_message")]
    public static partial byte* ErrorDataMessage(IntPtr errorData);

    [LibraryImport(Library, EntryPoint = "duckdb_error_data_has_error")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool ErrorDataHasError(IntPtr errorData);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_error_data")]
    public static partial void DestroyErrorData(ref IntPtr errorData);

    /// <summary>Reads a NUL-terminated UTF-8 string owned by DuckDB (not freed here).</summary>
    public static string? ReadUtf8(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((IntPtr)text);
}
