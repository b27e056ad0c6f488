using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipelines.OnnxRuntime.Native;

/// <summary>
/// ONNX Runtime's C API is one table of function pointers (struct OrtApi in onnxruntime_c_api.h) obtained from
/// OrtGetApiBase()->GetApi(version). Entries are only ever appended, so each function has a fixed index.
/// </summary>
internal static unsafe partial class OrtApi
{
    /// <summary>ORT_API_VERSION of ONNX Runtime 1.30.</summary>
    public const uint ApiVersion = 30;

    private const string Library = "onnxruntime";
    private const string LibraryFile = "libonnxruntime.so.1";

    // Indices in struct OrtApi.
    private const int GetErrorCodeIndex = 1;
    private const int GetErrorMessageIndex = 2;
    private const int CreateEnvIndex = 3;
    private const int CreateSessionIndex = 7;
    private const int CreateSessionFromArrayIndex = 8;
    private const int RunIndex = 9;
    private const int CreateSessionOptionsIndex = 10;
    private const int SetSessionGraphOptimizationLevelIndex = 23;
    private const int SetIntraOpNumThreadsIndex = 24;
    private const int SetInterOpNumThreadsIndex = 25;
    private const int SessionGetInputCountIndex = 30;
    private const int SessionGetOutputCountIndex = 31;
    private const int SessionGetInputNameIndex = 36;
    private const int SessionGetOutputNameIndex = 37;
    private const int CreateTensorWithDataAsOrtValueIndex = 49;
    private const int GetTensorMutableDataIndex = 51;
    private const int GetTensorElementTypeIndex = 60;
    private const int GetDimensionsCountIndex = 61;
    private const int GetDimensionsIndex = 62;
    private const int GetTensorTypeAndShapeIndex = 65;
    private const int CreateCpuMemoryInfoIndex = 69;
    private const int AllocatorFreeIndex = 76;
    private const int GetAllocatorWithDefaultOptionsIndex = 78;
    private const int ReleaseEnvIndex = 92;
    private const int ReleaseStatusIndex = 93;
    private const int ReleaseMemoryInfoIndex = 94;
    private const int ReleaseSessionIndex = 95;
    private const int ReleaseValueIndex = 96;
    private const int ReleaseTensorTypeAndShapeInfoIndex = 99;
    private const int ReleaseSessionOptionsIndex = 100;

    private static readonly IntPtr* Table;

    // An explicit static constructor, so the resolver is in place before any member (Version included) reaches the library.
    static OrtApi()
    {
        NativeLibrary.SetDllImportResolver(typeof(OrtApi).Assembly, Resolve);
        Table = LoadTable();
    }

    private static IntPtr* LoadTable()
    {
        // OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        IntPtr* apiBase = GetApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, IntPtr*>)apiBase[0];
        var getVersion = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        IntPtr* table = getApi(ApiVersion);
        if (table == null)
        {
            string version = Marshal.PtrToStringUTF8((IntPtr)getVersion()) ?? "unknown";
            throw new OnnxRuntimeException($"The ONNX Runtime library (version {version}) does not provide API version {ApiVersion}; version 1.30 or later is needed.");
        }
        return table;
    }

    public static string Version
    {
        get
        {
            var getVersion = (delegate* unmanaged[Cdecl]<byte*>)GetApiBase()[1];
            return Marshal.PtrToStringUTF8((IntPtr)getVersion()) ?? "";
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Library) return IntPtr.Zero;
        string besideBinaries = Path.Combine(AppContext.BaseDirectory, LibraryFile);
        if (NativeLibrary.TryLoad(besideBinaries, out var handle)) return handle;
        if (NativeLibrary.TryLoad(LibraryFile, assembly, searchPath, out handle)) return handle;
        throw new DllNotFoundException($"{LibraryFile} was found neither beside the binaries ({besideBinaries}) nor on the library path; building the project restores it into native/linux-x64.");
    }

    [LibraryImport(Library, EntryPoint = "OrtGetApiBase")]
    private static partial IntPtr* GetApiBase();

    /// <summary>Throws with ONNX Runtime's own message if <paramref name="status"/> reports an error, releasing it either way.</summary>
    public static void Check(IntPtr status, string context)
    {
        if (status == IntPtr.Zero) return;
        var code = ((delegate* unmanaged[Cdecl]<IntPtr, int>)Table[GetErrorCodeIndex])(status);
        string message = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Table[GetErrorMessageIndex])(status)) ?? "";
        ReleaseStatus(status);
        throw new OnnxRuntimeException($"{context}: {message}", (OnnxRuntimeErrorCode)code);
    }

    public static void ReleaseStatus(IntPtr status) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Table[ReleaseStatusIndex])(status);

    public static IntPtr CreateEnv(int logSeverity, byte* logId, out IntPtr env)
    {
        IntPtr result;
        fixed (IntPtr* p = &env) result = ((delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr>)Table[CreateEnvIndex])(logSeverity, logId, p);
        return result;
    }

    public static IntPtr CreateSessionOptions(out IntPtr options)
    {
        fixed (IntPtr* p = &options) return ((delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Table[CreateSessionOptionsIndex])(p);
    }

    public static IntPtr SetIntraOpNumThreads(IntPtr options, int threads) =>
        ((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[SetIntraOpNumThreadsIndex])(options, threads);

    public static IntPtr SetInterOpNumThreads(IntPtr options, int threads) =>
        ((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[SetInterOpNumThreadsIndex])(options, threads);

    public static IntPtr SetSessionGraphOptimizationLevel(IntPtr options, int level) =>
        ((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[SetSessionGraphOptimizationLevelIndex])(options, level);

    public static IntPtr CreateSession(IntPtr env, byte* path, IntPtr options, out IntPtr session)
    {
        fixed (IntPtr* p = &session) return ((delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)Table[CreateSessionIndex])(env, path, options, p);
    }

    public static IntPtr CreateSessionFromArray(IntPtr env, byte* model, nuint length, IntPtr options, out IntPtr session)
    {
        fixed (IntPtr* p = &session)
            return ((delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, IntPtr, IntPtr*, IntPtr>)Table[CreateSessionFromArrayIndex])(env, model, length, options, p);
    }

    public static IntPtr Run(IntPtr session, IntPtr runOptions, IntPtr* inputNames, IntPtr* inputs, nuint inputCount, IntPtr* outputNames, nuint outputCount, IntPtr* outputs) =>
        ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)Table[RunIndex])(
            session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    public static IntPtr SessionGetInputCount(IntPtr session, out nuint count)
    {
        fixed (nuint* p = &count) return ((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Table[SessionGetInputCountIndex])(session, p);
    }

    public static IntPtr SessionGetOutputCount(IntPtr session, out nuint count)
    {
        fixed (nuint* p = &count) return ((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Table[SessionGetOutputCountIndex])(session, p);
    }

    public static IntPtr SessionGetName(IntPtr session, bool input, nuint index, IntPtr allocator, out IntPtr name)
    {
        int slot = input ? SessionGetInputNameIndex : SessionGetOutputNameIndex;
        fixed (IntPtr* p = &name) return ((delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)Table[slot])(session, index, allocator, p);
    }

    public static IntPtr GetAllocatorWithDefaultOptions(out IntPtr allocator)
    {
        fixed (IntPtr* p = &allocator) return ((delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Table[GetAllocatorWithDefaultOptionsIndex])(p);
    }

    public static IntPtr AllocatorFree(IntPtr allocator, IntPtr pointer) =>
        ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr>)Table[AllocatorFreeIndex])(allocator, pointer);

    public static IntPtr CreateCpuMemoryInfo(int allocatorType, int memoryType, out IntPtr info)
    {
        fixed (IntPtr* p = &info) return ((delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)Table[CreateCpuMemoryInfoIndex])(allocatorType, memoryType, p);
    }

    public static IntPtr CreateTensorWithDataAsOrtValue(IntPtr memoryInfo, void* data, nuint byteLength, long* shape, nuint rank, int elementType, out IntPtr value)
    {
        fixed (IntPtr* p = &value)
            return ((delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)Table[CreateTensorWithDataAsOrtValueIndex])(
                memoryInfo, data, byteLength, shape, rank, elementType, p);
    }

    public static IntPtr GetTensorMutableData(IntPtr value, out void* data)
    {
        fixed (void** p = &data) return ((delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)Table[GetTensorMutableDataIndex])(value, p);
    }

    public static IntPtr GetTensorTypeAndShape(IntPtr value, out IntPtr info)
    {
        fixed (IntPtr* p = &info) return ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Table[GetTensorTypeAndShapeIndex])(value, p);
    }

    public static IntPtr GetTensorElementType(IntPtr info, out int type)
    {
        fixed (int* p = &type) return ((delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Table[GetTensorElementTypeIndex])(info, p);
    }

    public static IntPtr GetDimensionsCount(IntPtr info, out nuint count)
    {
        fixed (nuint* p = &count) return ((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Table[GetDimensionsCountIndex])(info, p);
    }

    public static IntPtr GetDimensions(IntPtr info, long* dimensions, nuint count) =>
        ((delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)Table[GetDimensionsIndex])(info, dimensions, count);

    public static void ReleaseEnv(IntPtr env) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Table[ReleaseEnvIndex])(env);
    public static void ReleaseMemoryInfo(IntPtr info) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Table[ReleaseMemoryInfoIndex])(info);
    public static void ReleaseSession(IntPtr session) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Table[ReleaseSessionIndex])(session);
    public static void ReleaseValue(IntPtr value) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Table[ReleaseValueIndex])(value);
    public static void ReleaseTensorTypeAndShapeInfo(IntPtr info) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Table[ReleaseTensorTypeAndShapeInfoIndex])(info);
    public static void ReleaseSessionOptions(IntPtr options) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Table[ReleaseSessionOptionsIndex])(options);
}
