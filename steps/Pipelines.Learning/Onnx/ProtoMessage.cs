using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// One decoded protobuf message: its fields in wire order, read by field number with no generated classes.
/// Every decoding problem becomes a <see cref="ModelFormatException"/> naming the source and the field path.
/// </summary>
internal sealed class ProtoMessage
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly List<Field> _fields;

    private ProtoMessage(string source, string path, List<Field> fields)
    {
        Source = source;
        Path = path;
        _fields = fields;
    }

    /// <summary>The file (or other origin) the bytes came from, for error messages.</summary>
    public string Source { get; }

    /// <summary>Where this message sits in the model, e.g. <c>ModelProto.graph.node[2]</c>.</summary>
    public string Path { get; }

    public static ProtoMessage Parse(ReadOnlyMemory<byte> bytes, string source, string path)
    {
        var fields = new List<Field>();
        try
        {
            var input = new CodedInputStream(bytes.ToArray());
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int number = WireFormat.GetTagFieldNumber(tag);
                var wireType = WireFormat.GetTagWireType(tag);
                switch (wireType)
                {
                    case WireFormat.WireType.Varint:
                        fields.Add(new Field(number, wireType, input.ReadInt64(), default));
                        break;
                    case WireFormat.WireType.Fixed64:
                        fields.Add(new Field(number, wireType, (long)input.ReadFixed64(), default));
                        break;
                    case WireFormat.WireType.Fixed32:
                        fields.Add(new Field(number, wireType, input.ReadFixed32(), default));
                        break;
                    case WireFormat.WireType.LengthDelimited:
                        fields.Add(new Field(number, wireType, 0, input.ReadBytes().Memory));
                        break;
                    default:
                        // Groups are not part of onnx.proto; skipping keeps unknown content from derailing the read.
                        input.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException($"{source}: {path} is not a valid protobuf message ({e.Message}); the file is truncated or corrupt.", e);
        }
        return new ProtoMessage(source, path, fields);
    }

    public ModelFormatException Error(string field, string problem) => new($"{Source}: {Path}.{field}: {problem}");

    public ModelFormatException Error(string problem) => new($"{Source}: {Path}: {problem}");

    public bool Has(int number)
    {
        foreach (var field in _fields)
        {
            if (field.Number == number) return true;
        }
        return false;
    }

    /// <summary>The last occurrence of an embedded message field (protobuf's rule for a singular field), or null.</summary>
    public ProtoMessage? Message(int number, string name)
    {
        ProtoMessage? found = null;
        foreach (var field in _fields)
        {
            if (field.Number != number) continue;
            found = Parse(LengthDelimited(field, name), Source, $"{Path}.{name}");
        }
        return found;
    }

    public List<ProtoMessage> Messages(int number, string name)
    {
        var messages = new List<ProtoMessage>();
        foreach (var field in _fields)
        {
            if (field.Number == number) messages.Add(Parse(LengthDelimited(field, name), Source, $"{Path}.{name}[{messages.Count}]"));
        }
        return messages;
    }

    public string? String(int number, string name)
    {
        string? found = null;
        foreach (var field in _fields)
        {
            if (field.Number == number) found = Decode(LengthDelimited(field, name).Span, name);
        }
        return found;
    }

    public List<string> Strings(int number, string name)
    {
        var strings = new List<string>();
        foreach (var field in _fields)
        {
            if (field.Number == number) strings.Add(Decode(LengthDelimited(field, name).Span, name));
        }
        return strings;
    }

    public ReadOnlyMemory<byte>? Bytes(int number, string name)
    {
        ReadOnlyMemory<byte>? found = null;
        foreach (var field in _fields)
        {
            if (field.Number == number) found = LengthDelimited(field, name);
        }
        return found;
    }

    public long? Int64(int number, string name)
    {
        long? found = null;
        foreach (var field in _fields)
        {
            if (field.Number != number) continue;
            if (field.WireType != WireFormat.WireType.Varint) throw WrongWireType(field, name, "a varint");
            found = field.Scalar;
        }
        return found;
    }

    /// <summary>A repeated int64 field, packed or not (a reader must accept both).</summary>
    public List<long> Int64s(int number, string name)
    {
        var values = new List<long>();
        foreach (var field in _fields)
        {
            if (field.Number != number) continue;
            if (field.WireType == WireFormat.WireType.Varint)
            {
                values.Add(field.Scalar);
                continue;
            }
            var run = LengthDelimited(field, name);
            try
            {
                var input = new CodedInputStream(run.ToArray());
                while (!input.IsAtEnd) values.Add(input.ReadInt64());
            }
            catch (InvalidProtocolBufferException e)
            {
                throw Error(name, $"the packed integers are truncated or malformed ({e.Message}).");
            }
        }
        return values;
    }

    /// <summary>A repeated float field, packed or not.</summary>
    public List<float> Floats(int number, string name)
    {
        var values = new List<float>();
        foreach (var field in _fields)
        {
            if (field.Number != number) continue;
            if (field.WireType == WireFormat.WireType.Fixed32)
            {
                values.Add(BitConverter.Int32BitsToSingle((int)field.Scalar));
                continue;
            }
            var run = LengthDelimited(field, name).Span;
            if (run.Length % sizeof(float) != 0) throw Error(name, $"{run.Length} packed bytes is not a whole number of floats.");
            for (int i = 0; i < run.Length; i += sizeof(float)) values.Add(BinaryPrimitives.ReadSingleLittleEndian(run[i..]));
        }
        return values;
    }

    /// <summary>A repeated double field, packed or not.</summary>
    public List<double> Doubles(int number, string name)
    {
        var values = new List<double>();
        foreach (var field in _fields)
        {
            if (field.Number != number) continue;
            if (field.WireType == WireFormat.WireType.Fixed64)
            {
                values.Add(BitConverter.Int64BitsToDouble(field.Scalar));
                continue;
            }
            var run = LengthDelimited(field, name).Span;
            if (run.Length % sizeof(double) != 0) throw Error(name, $"{run.Length} packed bytes is not a whole number of doubles.");
            for (int i = 0; i < run.Length; i += sizeof(double)) values.Add(BinaryPrimitives.ReadDoubleLittleEndian(run[i..]));
        }
        return values;
    }

    private ReadOnlyMemory<byte> LengthDelimited(Field field, string name)
    {
        if (field.WireType != WireFormat.WireType.LengthDelimited) throw WrongWireType(field, name, "length-delimited");
        return field.Bytes;
    }

    private string Decode(ReadOnlySpan<byte> bytes, string name)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error(name, "is not valid UTF-8 text.");
        }
    }

    private ModelFormatException WrongWireType(Field field, string name, string expected) =>
        Error(name, $"field {field.Number} has wire type {field.WireType}, expected {expected}.");

    private readonly record struct Field(int Number, WireFormat.WireType WireType, long Scalar, ReadOnlyMemory<byte> Bytes);
}
