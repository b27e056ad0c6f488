namespace Pipelines.Learning.Onnx;

/// <summary>
/// Adds metadata_props entries to a serialized ONNX model. Protobuf parsers accept a message's fields in any order
/// and collect repeated ones wherever they appear, so appending ModelProto field 14 entries to the bytes is the same
/// as writing them with the model; the model's first field (ir_version) stays first.
/// </summary>
public static class OnnxModelMetadata
{
    private const int ModelMetadata = 14, EntryKey = 1, EntryValue = 2;

    public static byte[] Append(byte[] model, IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(entries);
        var tail = new ProtoWriter();
        foreach (var (key, value) in entries) tail.Message(ModelMetadata, entry => entry.String(EntryKey, key).String(EntryValue, value));
        return [.. model, .. tail.ToArray()];
    }
}
