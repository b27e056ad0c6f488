using Google.Protobuf;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// Cuts a serialized ONNX model down to what one graph output needs: the nodes it depends on and that output alone.
/// ML.NET's converter also writes side branches (a Binarizer turning the score into a predicted label) that ONNX
/// Runtime runs with every row although nothing reads them — and that fail on a missing (NaN) feature the score
/// itself carries through. Every other field is copied byte for byte.
/// </summary>
public static class OnnxGraphPruning
{
    // onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, output = 12; NodeProto.input = 1, output = 2; ValueInfoProto.name = 1.
    private const int ModelGraph = 7, GraphNode = 1, GraphOutput = 12, NodeInput = 1, NodeOutput = 2, ValueInfoName = 1;

    public static byte[] KeepOutput(byte[] model, string output)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        var fields = Fields(model);
        var graphs = fields.Where(f => f.Number == ModelGraph).ToList();
        if (graphs.Count != 1) throw new ArgumentException($"The model holds {graphs.Count} graphs; one is expected.", nameof(model));
        var graph = Fields(graphs[0].Payload!);

        var outputs = graph.Where(f => f.Number == GraphOutput).ToList();
        if (!outputs.Any(o => Name(o.Payload!) == output))
            throw new ArgumentException($"The model has no output '{output}' (outputs: {string.Join(", ", outputs.Select(o => Name(o.Payload!)))}).", nameof(output));

        // Walk back from the output: a node is kept when it makes a value something kept reads.
        var nodes = graph.Where(f => f.Number == GraphNode).Select(f => (Field: f, Node: Fields(f.Payload!))).ToList();
        var needed = new HashSet<string>(StringComparer.Ordinal) { output };
        var kept = new HashSet<int>();
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            var node = nodes[i].Node;
            if (!node.Where(f => f.Number == NodeOutput).Any(f => needed.Contains(Text(f.Payload!)))) continue;
            kept.Add(i);
            foreach (var input in node.Where(f => f.Number == NodeInput)) needed.Add(Text(input.Payload!));
        }
        var keptNodes = kept.Select(i => nodes[i].Field).ToHashSet();
        var prunedGraph = Write(graph.Where(f => f.Number switch
        {
            GraphNode => keptNodes.Contains(f),
            GraphOutput => Name(f.Payload!) == output,
            _ => true,
        }));
        return Write(fields.Select(f => f.Number == ModelGraph ? f with { Payload = prunedGraph } : f));
    }

    private sealed record Field(int Number, WireFormat.WireType Type, ulong Scalar, byte[]? Payload);

    private static List<Field> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var fields = new List<Field>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            var type = WireFormat.GetTagWireType(tag);
            fields.Add(type switch
            {
                WireFormat.WireType.Varint => new Field(number, type, input.ReadUInt64(), null),
                WireFormat.WireType.Fixed64 => new Field(number, type, input.ReadFixed64(), null),
                WireFormat.WireType.Fixed32 => new Field(number, type, input.ReadFixed32(), null),
                WireFormat.WireType.LengthDelimited => new Field(number, type, 0, input.ReadBytes().ToByteArray()),
                _ => throw new InvalidDataException($"Field {number} has the unsupported wire type {type}."),
            });
        }
        return fields;
    }

    private static byte[] Write(IEnumerable<Field> fields)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var field in fields)
        {
            output.WriteTag(field.Number, field.Type);
            switch (field.Type)
            {
                case WireFormat.WireType.Varint: output.WriteUInt64(field.Scalar); break;
                case WireFormat.WireType.Fixed64: output.WriteFixed64(field.Scalar); break;
                case WireFormat.WireType.Fixed32: output.WriteFixed32((uint)field.Scalar); break;
                default: output.WriteBytes(ByteString.CopyFrom(field.Payload)); break;
            }
        }
        output.Flush();
        return buffer.ToArray();
    }

    private static string Name(byte[] valueInfo) => Fields(valueInfo).Where(f => f.Number == ValueInfoName).Select(f => Text(f.Payload!)).FirstOrDefault() ?? "";

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
