namespace Pipelines.OnnxRuntime;

/// <summary>An output tensor copied out of ONNX Runtime: its shape, element type and values.</summary>
public sealed class OnnxTensor
{
    private readonly Array _values;

    internal OnnxTensor(string name, OnnxElementType elementType, long[] shape, Array values)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        _values = values;
    }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    public IReadOnlyList<long> Shape { get; }

    public float[] GetFloats() => Values<float>(OnnxElementType.Float);

    public double[] GetDoubles() => Values<double>(OnnxElementType.Double);

    public long[] GetInt64s() => Values<long>(OnnxElementType.Int64);

    public int[] GetInt32s() => Values<int>(OnnxElementType.Int32);

    private T[] Values<T>(OnnxElementType wanted) => _values is T[] values
        ? values
        : throw new InvalidOperationException($"Output '{Name}' holds {ElementType} values, not {wanted}.");
}
