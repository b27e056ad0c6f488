namespace Pipelines.OnnxRuntime;

/// <summary>Tensor element types (ONNXTensorElementDataType) this binding reads and writes.</summary>
public enum OnnxElementType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    Double = 11,
}
