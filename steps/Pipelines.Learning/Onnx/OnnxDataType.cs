namespace Pipelines.Learning.Onnx;

/// <summary>The TensorProto.DataType codes the exported graphs use.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Int64 = 7,
    Double = 11,
}
