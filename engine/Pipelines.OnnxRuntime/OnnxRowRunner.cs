using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Pipelines.OnnxRuntime;

/// <summary>
/// Scores one row per call with no managed allocation: a [1, features] input (double, or float when the model's
/// input is float, as ML.NET's models are: the row is then rounded to float on the way in) and a [1, width] float
/// output tensor are created once over pinned buffers and bound to the session with an <see cref="OrtIoBinding"/>, so each
/// call only copies the row in and runs the binding, and ONNX Runtime writes the scores straight into the output
/// buffer. Not thread-safe: one runner per thread.
/// </summary>
public sealed class OnnxRowRunner : IDisposable
{
    private readonly OnnxModel _model;
    private readonly double[] _input;
    private readonly float[]? _floatInput;
    private readonly float[] _output;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private bool _disposed;

    internal OnnxRowRunner(OnnxModel model, string inputName, int featureCount, string outputName, int outputWidth)
    {
        ArgumentNullException.ThrowIfNull(inputName);
        ArgumentNullException.ThrowIfNull(outputName);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputWidth, 1);
        var session = model.Session;
        if (!session.InputNames.Contains(inputName))
            throw new ArgumentException($"The model '{model.Source}' has no input '{inputName}' (inputs: {string.Join(", ", session.InputNames)}).", nameof(inputName));
        if (!session.OutputNames.Contains(outputName))
            throw new ArgumentException($"The model '{model.Source}' has no output '{outputName}' (outputs: {string.Join(", ", session.OutputNames)}).", nameof(outputName));
        _model = model;
        FeatureCount = featureCount;
        OutputWidth = outputWidth;
        // ONNX Runtime keeps the buffers' addresses for the runner's whole life; on the pinned object heap they never
        // hold up the garbage collector's compaction.
        _input = GC.AllocateArray<double>(featureCount, pinned: true);
        _output = GC.AllocateArray<float>(outputWidth, pinned: true);
        if (session.InputMetadata[inputName].ElementDataType == TensorElementType.Float)
        {
            _floatInput = GC.AllocateArray<float>(featureCount, pinned: true);
            _inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _floatInput.AsMemory(), new long[] { 1, featureCount });
        }
        else _inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(), new long[] { 1, featureCount });
        _outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(), new long[] { 1, outputWidth });
        _binding = session.CreateIoBinding();
        _binding.BindInput(inputName, _inputValue);
        _binding.BindOutput(outputName, _outputValue);
    }

    public int FeatureCount { get; }

    public int OutputWidth { get; }

    /// <summary>Runs the model on <paramref name="features"/>; the result stays valid until the next call.</summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<double> features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ObjectDisposedException.ThrowIf(_model.IsDisposed, _model);
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The row has {features.Length} features; the runner was created for {FeatureCount}.", nameof(features));
        if (_floatInput is { } narrow)
        {
            for (var i = 0; i < narrow.Length; i++) narrow[i] = (float)features[i];
        }
        else features.CopyTo(_input);
        try
        {
            _model.Session.RunWithBinding(_runOptions, _binding);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"ONNX Runtime failed to run the model '{_model.Source}'", e);
        }
        return _output;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _binding.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
    }
}
