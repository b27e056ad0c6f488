using System.Runtime.InteropServices;
using Pipelines.OnnxRuntime.Native;

namespace Pipelines.OnnxRuntime;

/// <summary>
/// Scores one row per call: a [1, features] double input and a [1, width] float output tensor are created once over
/// native buffers, and each call copies the row in and runs the session into the same output. No managed allocation
/// per call. Not thread-safe: one runner per thread.
/// </summary>
public sealed unsafe class OnnxRowRunner : IDisposable
{
    private readonly OnnxSession _session;
    private readonly NativeStrings _names;
    private readonly double* _input;
    private readonly float* _output;
    private readonly ValueHandle _inputValue;
    private readonly ValueHandle _outputValue;
    private readonly IntPtr* _values;
    private bool _sessionReferenced;
    private bool _disposed;

    internal OnnxRowRunner(OnnxSession session, string inputName, int featureCount, string outputName, int outputWidth)
    {
        ArgumentNullException.ThrowIfNull(inputName);
        ArgumentNullException.ThrowIfNull(outputName);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputWidth, 1);
        if (!session.InputNames.Contains(inputName))
            throw new ArgumentException($"The model '{session.Source}' has no input '{inputName}' (inputs: {string.Join(", ", session.InputNames)}).", nameof(inputName));
        if (!session.OutputNames.Contains(outputName))
            throw new ArgumentException($"The model '{session.Source}' has no output '{outputName}' (outputs: {string.Join(", ", session.OutputNames)}).", nameof(outputName));
        _session = session;
        FeatureCount = featureCount;
        OutputWidth = outputWidth;
        session.Handle.DangerousAddRef(ref _sessionReferenced);
        _names = new NativeStrings(2);
        _names.Set(0, inputName);
        _names.Set(1, outputName);
        _input = (double*)NativeMemory.AllocZeroed((nuint)featureCount, sizeof(double));
        _output = (float*)NativeMemory.AllocZeroed((nuint)outputWidth, sizeof(float));
        _values = (IntPtr*)NativeMemory.AllocZeroed(2, (nuint)sizeof(IntPtr));
        long* shape = stackalloc long[2];
        shape[0] = 1;
        shape[1] = featureCount;
        IntPtr memory = session.MemoryInfo.DangerousGetHandle();
        OrtApi.Check(OrtApi.CreateTensorWithDataAsOrtValue(memory, _input, (nuint)(featureCount * sizeof(double)), shape, 2, (int)OnnxElementType.Double, out IntPtr input),
            $"ONNX Runtime could not create the input tensor '{inputName}'");
        _inputValue = new ValueHandle(input);
        shape[1] = outputWidth;
        OrtApi.Check(OrtApi.CreateTensorWithDataAsOrtValue(memory, _output, (nuint)(outputWidth * sizeof(float)), shape, 2, (int)OnnxElementType.Float, out IntPtr output),
            $"ONNX Runtime could not create the output tensor '{outputName}'");
        _outputValue = new ValueHandle(output);
        _values[0] = input;
        _values[1] = output;
    }

    public int FeatureCount { get; }

    public int OutputWidth { get; }

    /// <summary>Runs the model on <paramref name="features"/>; the result stays valid until the next call.</summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<double> features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The row has {features.Length} features; the runner was created for {FeatureCount}.", nameof(features));
        features.CopyTo(new Span<double>(_input, FeatureCount));
        IntPtr status = OrtApi.Run(_session.Handle.DangerousGetHandle(), IntPtr.Zero, _names.Pointers, _values, 1, _names.Pointers + 1, 1, _values + 1);
        // The message is only formatted on failure, so a successful call allocates nothing.
        if (status != IntPtr.Zero) OrtApi.Check(status, $"ONNX Runtime failed to run the model '{_session.Source}'");
        return new ReadOnlySpan<float>(_output, OutputWidth);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _inputValue.Dispose();
        _outputValue.Dispose();
        NativeMemory.Free(_input);
        NativeMemory.Free(_output);
        NativeMemory.Free(_values);
        _names.Dispose();
        if (_sessionReferenced) _session.Handle.DangerousRelease();
    }
}
