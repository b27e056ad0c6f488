using System.Runtime.InteropServices;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// The entry points of LightGBM's C API that training uses, and nothing else: the one place the project calls
/// lib_lightgbm. Every call returns 0 or -1; <see cref="Check"/> turns -1 into an exception carrying
/// LGBM_GetLastError's message, and a platform without the library into <see cref="LightGbmUnavailableException"/>.
/// </summary>
internal static unsafe partial class LightGbmNative
{
    private const string Library = "lib_lightgbm";

    // LightGBM's OpenMP threads spin at every barrier by default. On a machine shared with other work a spinning
    // thread waits for one the scheduler took off its core: the toxicity pipeline's training took 171 s instead of
    // 14 s at load 13 – 17. Passive waiting has to be in the environment before lib_lightgbm (and with it the
    // OpenMP runtime, which reads it once) is loaded, that is before the first call below; a value the user set wins.
    // glibc's setenv is not safe beside a getenv on another thread, so hosts call PrepareProcess while they are still
    // alone (the CLI first thing in Main, test hosts get the variable from tests/test.runsettings); this constructor
    // is the fallback for any other host.
    static LightGbmNative() => PreferPassiveWaiting();

    /// <summary>Puts <c>OMP_WAIT_POLICY=PASSIVE</c> in the C library's environment unless something is set there already.</summary>
    public static void PreferPassiveWaiting()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null || OperatingSystem.IsWindows()) return;
        try
        {
            setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        }
        catch (DllNotFoundException)
        {
            // Without a C library to call, LightGBM keeps OpenMP's default.
        }
        catch (EntryPointNotFoundException)
        {
            // As above.
        }
    }

    // .NET keeps its own copy of the environment on Unix; the OpenMP runtime reads the C library's.
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    public const int DtypeFloat32 = 0;
    public const int DtypeFloat64 = 1;
    public const int PredictNormal = 0;
    public const int PredictRawScore = 1;
    public const int FeatureImportanceSplit = 0;
    public const int FeatureImportanceGain = 1;

    [LibraryImport(Library)]
    private static partial IntPtr LGBM_GetLastError();

    [LibraryImport(Library)]
    public static partial int LGBM_DumpParamAliases(long bufferLength, out long outLength, byte* outText);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_DatasetCreateFromMat(void* data, int dataType, int rows, int columns, int isRowMajor, string parameters,
        IntPtr reference, out IntPtr dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_DatasetSetField(IntPtr dataset, string fieldName, void* data, int count, int dataType);

    [LibraryImport(Library)]
    public static partial int LGBM_DatasetSetFeatureNames(IntPtr dataset, IntPtr* names, int count);

    [LibraryImport(Library)]
    public static partial int LGBM_DatasetFree(IntPtr dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterCreate(IntPtr trainData, string parameters, out IntPtr booster);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterAddValidData(IntPtr booster, IntPtr validData);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterUpdateOneIter(IntPtr booster, out int isFinished);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetCurrentIteration(IntPtr booster, out int iteration);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetNumClasses(IntPtr booster, out int classes);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetEvalCounts(IntPtr booster, out int count);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetEvalNames(IntPtr booster, int length, out int count, nuint bufferLength, out nuint requiredLength, IntPtr* names);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetEval(IntPtr booster, int dataIndex, out int count, double* results);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterSaveModelToString(IntPtr booster, int startIteration, int iterations, int featureImportanceType,
        long bufferLength, out long outLength, byte* text);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterPredictForMat(IntPtr booster, void* data, int dataType, int rows, int columns, int isRowMajor, int predictType,
        int startIteration, int iterations, string parameters, out long outLength, double* results);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterFeatureImportance(IntPtr booster, int iterations, int importanceType, double* results);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterFree(IntPtr booster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterLoadModelFromString(string modelText, out int iterations, out IntPtr booster);

    /// <summary>Puts <paramref name="other"/>'s trees in front of <paramref name="booster"/>'s (GBDT::MergeFrom).</summary>
    [LibraryImport(Library)]
    public static partial int LGBM_BoosterMerge(IntPtr booster, IntPtr other);

    /// <summary>Throws LightGBM's own message when a call failed.</summary>
    public static void Check(int result, string call)
    {
        if (result != 0) throw new LightGbmException($"LightGBM {call} failed: {LastError()}");
    }

    public static string LastError() => Marshal.PtrToStringUTF8(LGBM_GetLastError()) ?? "(no message)";

    /// <summary>
    /// Runs <paramref name="action"/>, turning a missing library into a message that names the platform,
    /// so the first LightGBM call anywhere fails the same plain way.
    /// </summary>
    /// <summary>
    /// Held for every piece of LightGBM work in this process, so one booster's OpenMP team runs at a time. Two trainings
    /// at once (the service runs pipelines side by side; tests run classes in parallel) crashed the process inside
    /// lib_lightgbm's OpenMP workers, one of them growing linear leaves. Each training already uses every core, so
    /// taking turns costs little. Reentrant: work done under it may call back into it.
    /// </summary>
    public static readonly Lock Exclusive = new();

    public static T Guard<T>(Func<T> action)
    {
        try
        {
            lock (Exclusive) return action();
        }
        catch (DllNotFoundException e)
        {
            throw LightGbmUnavailableException.ForThisPlatform(e);
        }
        catch (EntryPointNotFoundException e)
        {
            throw LightGbmUnavailableException.ForThisPlatform(e);
        }
    }
}
