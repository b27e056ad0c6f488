using Microsoft.ML.OnnxRuntime;

namespace Pipelines.OnnxRuntime;

/// <summary>
/// An ONNX model loaded into an ONNX Runtime <see cref="InferenceSession"/> set up for scoring, with where it came
/// from for error messages. Batch runs use <see cref="Session"/> directly; <see cref="CreateRowRunner"/> gives the
/// allocation-free single-row path. The session may be shared between threads.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private OnnxModel(InferenceSession session, string source)
    {
        Session = session;
        Source = source;
    }

    /// <summary>Where the model came from (a path, or a description of in-memory bytes).</summary>
    public string Source { get; }

    public InferenceSession Session { get; }

    internal bool IsDisposed { get; private set; }

    /// <summary>Loads an .onnx file; a file ONNX Runtime cannot read fails here, with its path in the message.</summary>
    public static OnnxModel Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The ONNX model '{path}' does not exist.", path);
        return Create(options => new InferenceSession(path, options), path);
    }

    /// <summary>Loads a model from its serialized bytes; <paramref name="sourceName"/> stands for it in error messages.</summary>
    public static OnnxModel Load(byte[] model, string sourceName = "in-memory model")
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length == 0) throw new ArgumentException($"The ONNX model '{sourceName}' is empty.", nameof(model));
        return Create(options => new InferenceSession(model, options), sourceName);
    }

    /// <summary>
    /// A runner that scores one row per call into tensors bound once; it belongs to one thread and must be disposed
    /// before the model.
    /// </summary>
    public OnnxRowRunner CreateRowRunner(string inputName, int featureCount, string outputName, int outputWidth)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new OnnxRowRunner(this, inputName, featureCount, outputName, outputWidth);
    }

    public void Dispose()
    {
        IsDisposed = true;
        Session.Dispose();
    }

    private static OnnxModel Create(Func<SessionOptions, InferenceSession> load, string source)
    {
        using var options = new SessionOptions
        {
            // One row is scored in microseconds: handing an operator's work to other threads costs more than it saves.
            IntraOpNumThreads = 1,
            // Failures come back as exceptions carrying ONNX Runtime's message; its warnings would only be noise on the console.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            return new OnnxModel(load(options), source);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"ONNX Runtime could not load the model '{source}'", e);
        }
    }
}
