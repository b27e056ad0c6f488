namespace Pipelines.Learning.Onnx;

/// <summary>A graph input or output: a tensor of one element type whose first dimension is the batch size.</summary>
/// <param name="Columns">The second dimension, or null for a one-dimensional tensor.</param>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, int? Columns);
