using System.Buffers.Binary;

namespace Pipelines.Learning.Onnx;

/// <summary>The attributes of one NodeProto by name, with typed getters that refuse a wrong or missing attribute by name.</summary>
internal sealed class OnnxNodeAttributes
{
    // AttributeProto field numbers and AttributeType codes from onnx.proto.
    private const int NameField = 1, FloatField = 2, IntField = 3, StringField = 4, TensorField = 5, FloatsField = 7, IntsField = 8,
        StringsField = 9, TypeField = 20;
    private const int FloatType = 1, IntType = 2, StringType = 3, TensorType = 4, FloatsType = 6, IntsType = 7, StringsType = 8;

    // TensorProto field numbers.
    private const int DimsField = 1, DataTypeField = 2, FloatDataField = 4, Int64DataField = 7, RawDataField = 9, DoubleDataField = 10,
        DataLocationField = 14;

    private readonly Dictionary<string, ProtoMessage> _byName = new(StringComparer.Ordinal);
    private readonly ProtoMessage _node;

    public OnnxNodeAttributes(ProtoMessage node, int attributeField)
    {
        _node = node;
        foreach (var attribute in node.Messages(attributeField, "attribute"))
        {
            string name = attribute.String(NameField, "name") ?? throw attribute.Error("name", "is missing.");
            if (!_byName.TryAdd(name, attribute)) throw node.Error("attribute", $"'{name}' appears twice.");
        }
    }

    public bool Has(string name) => _byName.ContainsKey(name);

    public long? Int(string name)
    {
        var attribute = Find(name, IntType);
        if (attribute is null) return null;
        return attribute.Int64(IntField, "i") ?? 0;
    }

    public string? String(string name)
    {
        var attribute = Find(name, StringType);
        if (attribute is null) return null;
        return attribute.Strings(StringField, "s") is { Count: > 0 } values ? values[^1] : "";
    }

    public List<long> Ints(string name) => Find(name, IntsType)?.Int64s(IntsField, "ints") ?? new List<long>();

    public List<string> Strings(string name) => Find(name, StringsType)?.Strings(StringsField, "strings") ?? new List<string>();

    public long[] RequiredInts(string name) => Has(name) ? Ints(name).ToArray() : throw Missing(name);

    public string[] RequiredStrings(string name) => Has(name) ? Strings(name).ToArray() : throw Missing(name);

    /// <summary>
    /// A list of reals given as <c>name_as_tensor</c> (a double or float tensor) or as the float list <c>name</c>;
    /// null when neither is present.
    /// </summary>
    public double[]? Reals(string name)
    {
        string tensorName = name + "_as_tensor";
        bool hasTensor = Has(tensorName), hasFloats = Has(name);
        if (hasTensor && hasFloats) throw _node.Error("attribute", $"both '{name}' and '{tensorName}' are given; a model must give one.");
        if (hasFloats)
        {
            var attribute = Find(name, FloatsType)!;
            var floats = attribute.Floats(FloatsField, "floats");
            if (floats.Count == 0 && attribute.Has(FloatField)) throw attribute.Error("floats", "is empty, but a single float 'f' is given; the attribute must be a list.");
            var values = new double[floats.Count];
            for (int i = 0; i < values.Length; i++) values[i] = floats[i];
            return values;
        }
        if (!hasTensor) return null;
        var tensorAttribute = Find(tensorName, TensorType)!;
        var tensor = tensorAttribute.Message(TensorField, "t") ?? throw tensorAttribute.Error("t", "is missing.");
        return TensorReals(tensor);
    }

    public double[] RequiredReals(string name) => Reals(name) ?? throw Missing(name);

    internal static double[] TensorReals(ProtoMessage tensor)
    {
        if (tensor.Int64(DataLocationField, "data_location") is long location && location != 0)
            throw tensor.Error("data_location", "points to external data; tree attributes must be stored in the model file.");
        long dataType = tensor.Int64(DataTypeField, "data_type") ?? throw tensor.Error("data_type", "is missing.");
        double[] values;
        var raw = tensor.Bytes(RawDataField, "raw_data");
        switch (dataType)
        {
            case (long)OnnxDataType.Double when raw is { } rawDoubles:
                values = Decode(tensor, rawDoubles.Span, sizeof(double), bytes => BinaryPrimitives.ReadDoubleLittleEndian(bytes));
                break;
            case (long)OnnxDataType.Double:
                values = tensor.Doubles(DoubleDataField, "double_data").ToArray();
                break;
            case (long)OnnxDataType.Float when raw is { } rawFloats:
                values = Decode(tensor, rawFloats.Span, sizeof(float), bytes => BinaryPrimitives.ReadSingleLittleEndian(bytes));
                break;
            case (long)OnnxDataType.Float:
                values = tensor.Floats(FloatDataField, "float_data").Select(f => (double)f).ToArray();
                break;
            default:
                throw tensor.Error("data_type", $"is {dataType}; a tree attribute tensor must be float (1) or double (11).");
        }
        var dims = tensor.Int64s(DimsField, "dims");
        long expected = 1;
        foreach (long dim in dims)
        {
            if (dim < 0) throw tensor.Error("dims", $"has a negative dimension {dim}.");
            // Saturating, so absurd dimensions cannot wrap around to a plausible count.
            expected = dim == 0 ? 0 : expected > long.MaxValue / dim ? long.MaxValue : expected * dim;
        }
        if (dims.Count > 0 && expected != values.Length) throw tensor.Error("dims", $"[{string.Join(", ", dims)}] describes {expected} values, but the tensor holds {values.Length}.");
        if (tensor.Has(Int64DataField)) throw tensor.Error("int64_data", "is given in a real-valued tensor.");
        return values;
    }

    private static double[] Decode(ProtoMessage tensor, ReadOnlySpan<byte> raw, int size, Func<ReadOnlySpan<byte>, double> read)
    {
        if (raw.Length % size != 0) throw tensor.Error("raw_data", $"{raw.Length} bytes is not a whole number of {size}-byte values.");
        var values = new double[raw.Length / size];
        for (int i = 0; i < values.Length; i++) values[i] = read(raw.Slice(i * size, size));
        return values;
    }

    private ProtoMessage? Find(string name, int expectedType)
    {
        if (!_byName.TryGetValue(name, out var attribute)) return null;
        if (attribute.Int64(TypeField, "type") is long type && type != expectedType)
            throw _node.Error("attribute", $"'{name}' has type {type}, expected {expectedType}.");
        return attribute;
    }

    private Exception Missing(string name) => _node.Error("attribute", $"'{name}' is required and missing.");
}
