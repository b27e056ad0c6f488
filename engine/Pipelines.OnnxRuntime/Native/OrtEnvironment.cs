using System.Text;

namespace Pipelines.OnnxRuntime.Native;

/// <summary>
/// The process's OrtEnv. ONNX Runtime keeps one environment per process (later CreateEnv calls return the same
/// instance), and sessions must not outlive it, so it is created once and lives as long as the process.
/// </summary>
internal static unsafe class OrtEnvironment
{
    // ORT_LOGGING_LEVEL_ERROR: failures come back as statuses with their messages; warnings would only be noise.
    private const int LogSeverityError = 3;

    private static readonly Lazy<IntPtr> Env = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IntPtr Handle => Env.Value;

    private static IntPtr Create()
    {
        fixed (byte* logId = Encoding.UTF8.GetBytes("pipelines\0"))
        {
            OrtApi.Check(OrtApi.CreateEnv(LogSeverityError, logId, out IntPtr env), "ONNX Runtime could not create its environment");
            return env;
        }
    }
}
