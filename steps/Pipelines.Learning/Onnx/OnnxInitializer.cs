using System.Buffers.Binary;

namespace Pipelines.Learning.Onnx;

/// <summary>A constant float tensor of a graph (GraphProto.initializer), e.g. a dense layer's weights.</summary>
/// <param name="Dimensions">The tensor's shape; the values are laid out row-major.</param>
internal sealed record OnnxInitializer(string Name, IReadOnlyList<long> Dimensions, IReadOnlyList<float> Values)
{
    // TensorProto: dims = 1 (repeated int64), data_type = 2, name = 8, raw_data = 9 (little-endian values).
    public void Write(ProtoWriter tensor)
    {
        foreach (var dimension in Dimensions) tensor.Int64(1, dimension);
        tensor.Int64(2, (long)OnnxDataType.Float);
        tensor.String(8, Name);
        var raw = new byte[Values.Count * sizeof(float)];
        for (var i = 0; i < Values.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), Values[i]);
        tensor.Bytes(9, raw);
    }
}
