using Google.Protobuf;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// Builds one protobuf message. Nested messages are built by their own writer and embedded as length-delimited
/// bytes, which is all the wire format asks of them.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoWriter() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    public ProtoWriter Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    public ProtoWriter String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    public ProtoWriter Bytes(int field, byte[] value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var message = new ProtoWriter();
        build(message);
        return Message(field, message);
    }

    /// <summary>A repeated int64 field in packed encoding (one length-delimited run of varints).</summary>
    public ProtoWriter PackedInt64s(int field, IReadOnlyList<long> values)
    {
        var run = new ProtoWriter();
        foreach (long value in values) run._output.WriteInt64(value);
        return Bytes(field, run.ToArray());
    }

    public byte[] ToArray()
    {
        _output.Flush();
        return _buffer.ToArray();
    }
}
