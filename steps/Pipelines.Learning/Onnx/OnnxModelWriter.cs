namespace Pipelines.Learning.Onnx;

/// <summary>Writes a single-graph ModelProto (field numbers from onnx.proto).</summary>
internal static class OnnxModelWriter
{
    // IR version 8 goes with opset 17 of the default domain and opset 3 of ai.onnx.ml (ONNX 1.12).
    public const long IrVersion = 8;
    public const long DefaultOpset = 17;
    public const long MlOpset = 3;
    public const string MlDomain = "ai.onnx.ml";

    // The batch dimension is symbolic so one model serves any number of rows.
    private const string BatchDimension = "N";

    public static byte[] Write(string graphName, IReadOnlyList<OnnxNode> nodes, IReadOnlyList<OnnxValueInfo> inputs,
        IReadOnlyList<OnnxValueInfo> outputs, IReadOnlyList<KeyValuePair<string, string>> metadata) =>
        Write(graphName, nodes, inputs, outputs, metadata, []);

    /// <summary>A graph with constant tensors (weights) its nodes refer to by name.</summary>
    public static byte[] Write(string graphName, IReadOnlyList<OnnxNode> nodes, IReadOnlyList<OnnxValueInfo> inputs,
        IReadOnlyList<OnnxValueInfo> outputs, IReadOnlyList<KeyValuePair<string, string>> metadata, IReadOnlyList<OnnxInitializer> initializers)
    {
        var graph = new ProtoWriter();
        foreach (var node in nodes) graph.Message(1, n => WriteNode(n, node));
        graph.String(2, graphName);
        foreach (var initializer in initializers) graph.Message(5, initializer.Write);
        foreach (var input in inputs) graph.Message(11, v => WriteValueInfo(v, input));
        foreach (var output in outputs) graph.Message(12, v => WriteValueInfo(v, output));

        var model = new ProtoWriter()
            .Int64(1, IrVersion)
            .String(2, "pipelines")
            .String(3, "1")
            .Message(7, graph)
            .Message(8, o => o.String(1, "").Int64(2, DefaultOpset))
            .Message(8, o => o.String(1, MlDomain).Int64(2, MlOpset));
        foreach (var (key, value) in metadata) model.Message(14, entry => entry.String(1, key).String(2, value));
        return model.ToArray();
    }

    private static void WriteNode(ProtoWriter message, OnnxNode node)
    {
        foreach (string input in node.Inputs) message.String(1, input);
        foreach (string output in node.Outputs) message.String(2, output);
        message.String(3, node.OpType + "_" + node.Outputs[0]);
        message.String(4, node.OpType);
        foreach (var attribute in node.Attributes) message.Message(5, attribute.Message);
        if (node.Domain.Length > 0) message.String(7, node.Domain);
    }

    // ValueInfoProto { name = 1, type = 2 }; TypeProto { tensor_type = 1 }; Tensor { elem_type = 1, shape = 2 };
    // TensorShapeProto { dim = 1 }; Dimension { dim_value = 1, dim_param = 2 }.
    private static void WriteValueInfo(ProtoWriter message, OnnxValueInfo value)
    {
        message.String(1, value.Name);
        message.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int64(1, (long)value.ElementType);
            tensor.Message(2, shape =>
            {
                shape.Message(1, dim => dim.String(2, BatchDimension));
                if (value.Columns is int columns) shape.Message(1, dim => dim.Int64(1, columns));
            });
        }));
    }
}
