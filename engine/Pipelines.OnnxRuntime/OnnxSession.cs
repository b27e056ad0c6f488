using System.Runtime.InteropServices;
using System.Text;
using Pipelines.OnnxRuntime.Native;

namespace Pipelines.OnnxRuntime;

/// <summary>A loaded ONNX model, run on ONNX Runtime's CPU provider. Runs may come from several threads.</summary>
public sealed unsafe class OnnxSession : IDisposable
{
    // OrtAllocatorType OrtDeviceAllocator and OrtMemType OrtMemTypeDefault: plain CPU memory owned by the caller.
    private const int DeviceAllocator = 0;
    private const int DefaultMemory = 0;

    // GraphOptimizationLevel ORT_ENABLE_ALL.
    private const int EnableAllOptimizations = 99;

    private readonly SessionHandle _session;

    private OnnxSession(SessionHandle session, string source)
    {
        _session = session;
        Source = source;
        OrtApi.Check(OrtApi.CreateCpuMemoryInfo(DeviceAllocator, DefaultMemory, out IntPtr memory), "ONNX Runtime could not describe CPU memory");
        MemoryInfo = new MemoryInfoHandle(memory);
        InputNames = ReadNames(input: true);
        OutputNames = ReadNames(input: false);
    }

    /// <summary>Where the model came from (a path, or a description of in-memory bytes); used in error messages.</summary>
    public string Source { get; }

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The version string of the loaded ONNX Runtime library.</summary>
    public static string RuntimeVersion => OrtApi.Version;

    internal SessionHandle Handle => _session;

    internal MemoryInfoHandle MemoryInfo { get; }

    /// <summary>
    /// Loads an .onnx file. <paramref name="intraOpThreads"/> is the thread count inside one operator; 1 suits
    /// single-row scoring, where handing work to other threads costs more than it saves.
    /// </summary>
    public static OnnxSession Open(string path, int intraOpThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The ONNX model '{path}' does not exist.", path);
        using var options = CreateOptions(intraOpThreads);
        fixed (byte* utf8Path = Encoding.UTF8.GetBytes(Path.GetFullPath(path) + "\0"))
        {
            OrtApi.Check(OrtApi.CreateSession(OrtEnvironment.Handle, utf8Path, options.DangerousGetHandle(), out IntPtr session),
                $"ONNX Runtime could not load the model '{path}'");
            return new OnnxSession(new SessionHandle(session), path);
        }
    }

    /// <summary>Loads a model from its serialized bytes.</summary>
    public static OnnxSession Load(ReadOnlySpan<byte> model, string sourceName = "in-memory model", int intraOpThreads = 1)
    {
        if (model.IsEmpty) throw new ArgumentException($"The ONNX model '{sourceName}' is empty.", nameof(model));
        using var options = CreateOptions(intraOpThreads);
        fixed (byte* bytes = model)
        {
            OrtApi.Check(OrtApi.CreateSessionFromArray(OrtEnvironment.Handle, bytes, (nuint)model.Length, options.DangerousGetHandle(), out IntPtr session),
                $"ONNX Runtime could not load the model '{sourceName}'");
            return new OnnxSession(new SessionHandle(session), sourceName);
        }
    }

    /// <summary>
    /// Runs the model on one double input tensor of <paramref name="shape"/> and returns copies of the requested
    /// outputs (all of them when none are named).
    /// </summary>
    public IReadOnlyList<OnnxTensor> Run(string inputName, ReadOnlySpan<double> values, ReadOnlySpan<long> shape, params string[] outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputName);
        long count = 1;
        foreach (long dimension in shape)
        {
            if (dimension < 0) throw new ArgumentException($"Dimension {dimension} of the input shape is negative.", nameof(shape));
            count *= dimension;
        }
        if (count != values.Length)
            throw new ArgumentException($"The input shape [{string.Join(", ", shape.ToArray())}] holds {count} values, but {values.Length} were given.", nameof(values));
        string[] outputs = outputNames is { Length: > 0 } ? outputNames : OutputNames.ToArray();

        var names = new NativeStrings(1 + outputs.Length);
        IntPtr input = IntPtr.Zero;
        var results = new IntPtr[outputs.Length];
        try
        {
            names.Set(0, inputName);
            for (int i = 0; i < outputs.Length; i++) names.Set(1 + i, outputs[i]);
            fixed (double* data = values)
            fixed (long* dims = shape)
            {
                OrtApi.Check(OrtApi.CreateTensorWithDataAsOrtValue(MemoryInfo.DangerousGetHandle(), data, (nuint)(values.Length * sizeof(double)),
                    dims, (nuint)shape.Length, (int)OnnxElementType.Double, out input), $"ONNX Runtime could not wrap the input '{inputName}'");
                fixed (IntPtr* resultPointers = results)
                {
                    IntPtr inputValue = input;
                    OrtApi.Check(OrtApi.Run(_session.DangerousGetHandle(), IntPtr.Zero, names.Pointers, &inputValue, 1,
                        names.Pointers + 1, (nuint)outputs.Length, resultPointers), $"ONNX Runtime failed to run the model '{Source}'");
                }
            }
            var tensors = new OnnxTensor[outputs.Length];
            for (int i = 0; i < outputs.Length; i++) tensors[i] = CopyOut(outputs[i], results[i]);
            return tensors;
        }
        finally
        {
            if (input != IntPtr.Zero) OrtApi.ReleaseValue(input);
            foreach (IntPtr result in results)
            {
                if (result != IntPtr.Zero) OrtApi.ReleaseValue(result);
            }
            names.Dispose();
        }
    }

    /// <summary>A runner for one row at a time with its input and output tensors allocated once.</summary>
    public OnnxRowRunner CreateRowRunner(string inputName, int featureCount, string outputName, int outputWidth) =>
        new(this, inputName, featureCount, outputName, outputWidth);

    public void Dispose()
    {
        MemoryInfo.Dispose();
        _session.Dispose();
    }

    private static SessionOptionsHandle CreateOptions(int intraOpThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        OrtApi.Check(OrtApi.CreateSessionOptions(out IntPtr pointer), "ONNX Runtime could not create session options");
        var options = new SessionOptionsHandle(pointer);
        OrtApi.Check(OrtApi.SetIntraOpNumThreads(pointer, intraOpThreads), "ONNX Runtime rejected the intra-op thread count");
        OrtApi.Check(OrtApi.SetInterOpNumThreads(pointer, 1), "ONNX Runtime rejected the inter-op thread count");
        OrtApi.Check(OrtApi.SetSessionGraphOptimizationLevel(pointer, EnableAllOptimizations), "ONNX Runtime rejected the optimization level");
        return options;
    }

    private string[] ReadNames(bool input)
    {
        IntPtr session = _session.DangerousGetHandle();
        nuint count;
        OrtApi.Check(input ? OrtApi.SessionGetInputCount(session, out count) : OrtApi.SessionGetOutputCount(session, out count),
            "ONNX Runtime could not count the model's inputs or outputs");
        OrtApi.Check(OrtApi.GetAllocatorWithDefaultOptions(out IntPtr allocator), "ONNX Runtime has no default allocator");
        var names = new string[(int)count];
        for (int i = 0; i < names.Length; i++)
        {
            OrtApi.Check(OrtApi.SessionGetName(session, input, (nuint)i, allocator, out IntPtr name), "ONNX Runtime could not name an input or output");
            names[i] = Marshal.PtrToStringUTF8(name) ?? "";
            OrtApi.Check(OrtApi.AllocatorFree(allocator, name), "ONNX Runtime could not free a name");
        }
        return names;
    }

    private static OnnxTensor CopyOut(string name, IntPtr value)
    {
        OrtApi.Check(OrtApi.GetTensorTypeAndShape(value, out IntPtr info), $"Output '{name}' is not a tensor");
        int elementType;
        long[] shape;
        try
        {
            OrtApi.Check(OrtApi.GetTensorElementType(info, out elementType), $"ONNX Runtime could not read the type of output '{name}'");
            OrtApi.Check(OrtApi.GetDimensionsCount(info, out nuint rank), $"ONNX Runtime could not read the rank of output '{name}'");
            shape = new long[(int)rank];
            fixed (long* dims = shape) OrtApi.Check(OrtApi.GetDimensions(info, dims, rank), $"ONNX Runtime could not read the shape of output '{name}'");
        }
        finally
        {
            OrtApi.ReleaseTensorTypeAndShapeInfo(info);
        }
        long count = 1;
        foreach (long dimension in shape) count *= dimension;
        OrtApi.Check(OrtApi.GetTensorMutableData(value, out void* data), $"ONNX Runtime could not expose the data of output '{name}'");
        var type = (OnnxElementType)elementType;
        Array values = type switch
        {
            OnnxElementType.Float => new ReadOnlySpan<float>(data, checked((int)count)).ToArray(),
            OnnxElementType.Double => new ReadOnlySpan<double>(data, checked((int)count)).ToArray(),
            OnnxElementType.Int64 => new ReadOnlySpan<long>(data, checked((int)count)).ToArray(),
            OnnxElementType.Int32 => new ReadOnlySpan<int>(data, checked((int)count)).ToArray(),
            _ => throw new NotSupportedException($"Output '{name}' has ONNX element type {elementType}; only float, double, int32 and int64 outputs are read."),
        };
        return new OnnxTensor(name, type, shape, values);
    }
}
