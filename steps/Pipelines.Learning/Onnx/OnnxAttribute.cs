using System.Buffers.Binary;
using System.Text;

namespace Pipelines.Learning.Onnx;

/// <summary>One AttributeProto of a graph node, already encoded.</summary>
internal sealed class OnnxAttribute
{
    // AttributeProto field numbers and AttributeType codes from onnx.proto.
    private const int NameField = 1, IntField = 3, FloatsField = 7, StringField = 4, TensorField = 5, IntsField = 8, StringsField = 9, TypeField = 20;
    private const int FloatsType = 6, IntType = 2, StringType = 3, TensorType = 4, IntsType = 7, StringsType = 8;

    private readonly ProtoWriter _message;

    private OnnxAttribute(string name, int type)
    {
        _message = new ProtoWriter().String(NameField, name).Int64(TypeField, type);
    }

    public static OnnxAttribute Int(string name, long value)
    {
        var attribute = new OnnxAttribute(name, IntType);
        attribute._message.Int64(IntField, value);
        return attribute;
    }

    public static OnnxAttribute Ints(string name, IReadOnlyList<long> values)
    {
        var attribute = new OnnxAttribute(name, IntsType);
        attribute._message.PackedInt64s(IntsField, values);
        return attribute;
    }

    public static OnnxAttribute String(string name, string value)
    {
        var attribute = new OnnxAttribute(name, StringType);
        attribute._message.Bytes(StringField, Encoding.UTF8.GetBytes(value));
        return attribute;
    }

    public static OnnxAttribute Strings(string name, IReadOnlyList<string> values)
    {
        var attribute = new OnnxAttribute(name, StringsType);
        foreach (string value in values) attribute._message.Bytes(StringsField, Encoding.UTF8.GetBytes(value));
        return attribute;
    }

    /// <summary>A packed float list: the operators' original form of thresholds and weights.</summary>
    public static OnnxAttribute Floats(string name, IReadOnlyList<float> values)
    {
        var raw = new byte[values.Count * sizeof(float)];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        var attribute = new OnnxAttribute(name, FloatsType);
        attribute._message.Bytes(FloatsField, raw);
        return attribute;
    }

    /// <summary>A one-dimensional double tensor: full precision where the float lists would round.</summary>
    public static OnnxAttribute Doubles(string name, IReadOnlyList<double> values)
    {
        // TensorProto: dims = 1, data_type = 2, raw_data = 9 (little-endian values).
        var raw = new byte[values.Count * sizeof(double)];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * sizeof(double)), values[i]);
        var tensor = new ProtoWriter()
            .Int64(1, values.Count)
            .Int64(2, (long)OnnxDataType.Double)
            .Bytes(9, raw);
        var attribute = new OnnxAttribute(name, TensorType);
        attribute._message.Message(TensorField, tensor);
        return attribute;
    }

    public ProtoWriter Message => _message;
}
