namespace Pipelines.Learning.Onnx;

/// <summary>One NodeProto: an operator applied to named inputs, producing named outputs.</summary>
internal sealed record OnnxNode(string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes);
