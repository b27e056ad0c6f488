using Microsoft.ML.OnnxRuntime;

namespace Pipelines.OnnxRuntime;

/// <summary>
/// ONNX Runtime refused to load or run a model. The message names the model's file (or in-memory source) before
/// ONNX Runtime's own explanation, which alone does not say which model it is about; the
/// <see cref="OnnxRuntimeException"/> it came from, with its error code, is the inner exception.
/// </summary>
public sealed class OnnxModelException : Exception
{
    public OnnxModelException(string message, OnnxRuntimeException runtimeError) : base($"{message}: {runtimeError.Message}", runtimeError)
    {
    }
}
