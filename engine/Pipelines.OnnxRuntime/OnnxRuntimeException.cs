namespace Pipelines.OnnxRuntime;

/// <summary>An error reported by ONNX Runtime, carrying its message and error code.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(string message, OnnxRuntimeErrorCode errorCode = OnnxRuntimeErrorCode.Fail) : base(message) => ErrorCode = errorCode;

    public OnnxRuntimeErrorCode ErrorCode { get; }
}
