using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.OnnxRuntime;

namespace Pipelines.Steps.Train;

/// <summary>
/// An ONNX model that is not a tree ensemble (ML.NET's linear and k-means models), scored by ONNX Runtime one row at
/// a time through an allocation-free <see cref="OnnxRowRunner"/>. What the output means comes from the model's
/// <see cref="OnnxScoringContract"/> metadata. One instance per thread: the runner is not thread-safe.
/// </summary>
public sealed class OnnxRuntimeModel : IDisposable
{
    private readonly OnnxModel _model;
    private readonly OnnxRowRunner _runner;

    private readonly string _inputName;
    private readonly bool _floatInput;
    private readonly bool _fixedBatchOfOne;

    private OnnxRuntimeModel(OnnxModel model, OnnxRowRunner runner, ModelTask task, IReadOnlyList<string> featureNames, string outputName, string inputName,
        bool isActionVector)
    {
        _model = model;
        _runner = runner;
        Task = task;
        FeatureNames = featureNames;
        OutputName = outputName;
        _inputName = inputName;
        IsActionVector = isActionVector;
        var input = model.Session.InputMetadata[inputName];
        _floatInput = input.ElementDataType == TensorElementType.Float;
        _fixedBatchOfOne = input.Dimensions[0] == 1;
    }

    /// <summary>An imported policy's action vector: <see cref="Outputs"/> values per row, read as they are.</summary>
    public bool IsActionVector { get; }

    /// <summary>The declared names of the output's columns (an imported model's classes or actions); empty when none were declared.</summary>
    public IReadOnlyList<string> OutputLabels { get; private init; } = [];

    public ModelTask Task { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public string OutputName { get; }

    /// <summary>The clusters a k-means model tells apart (the width of its distances); 0 for other tasks.</summary>
    public int Clusters => Task == ModelTask.Clustering ? _runner.OutputWidth : 0;

    /// <summary>Values per prediction: the output's width for multiclass, else 1.</summary>
    public int Outputs => Task == ModelTask.Multiclass || IsActionVector ? _runner.OutputWidth : 1;

    /// <summary>
    /// Opens a model for ONNX Runtime; a model without the scoring metadata, with other than one [rows, features]
    /// input, or whose output the metadata names is missing, is refused with a <see cref="ModelFormatException"/>
    /// naming the file.
    /// </summary>
    public static OnnxRuntimeModel Open(string path)
    {
        var model = OnnxModel.Open(path);
        try
        {
            var session = model.Session;
            var metadata = session.ModelMetadata.CustomMetadataMap;
            var task = OnnxScoringContract.ParseTask(metadata.GetValueOrDefault(OnnxScoringContract.TaskKey))
                ?? throw new ModelFormatException($"{path}: the ONNX model is not a tree ensemble and names no task under '{OnnxScoringContract.TaskKey}' (binary, multiclass, regression or clustering), so its outputs cannot be read.");
            var outputName = metadata.GetValueOrDefault(OnnxScoringContract.OutputKey) ?? (session.OutputNames.Count == 1 ? session.OutputNames[0] : "");
            if (!session.OutputMetadata.TryGetValue(outputName, out var output))
                throw new ModelFormatException($"{path}: the output '{outputName}' named under '{OnnxScoringContract.OutputKey}' is not among the model's outputs ({string.Join(", ", session.OutputNames)}).");
            if (session.InputNames.Count != 1)
                throw new ModelFormatException($"{path}: the model has {session.InputNames.Count} inputs ({string.Join(", ", session.InputNames)}); one [rows, features] input is needed.");
            var inputName = session.InputNames[0];
            var input = session.InputMetadata[inputName];
            if (input.Dimensions.Length != 2 || input.Dimensions[1] < 1 || input.ElementDataType is not (TensorElementType.Float or TensorElementType.Double))
                throw new ModelFormatException($"{path}: the input '{inputName}' must be a float or double matrix [rows, features].");
            var featureCount = input.Dimensions[1];
            var width = output.Dimensions.Length == 2 && output.Dimensions[1] >= 1 ? output.Dimensions[1] : 1;
            var featureNames = metadata.GetValueOrDefault(OnnxTreeEnsembleReader.FeatureNamesKey)?.Split(',')
                ?? Enumerable.Range(0, featureCount).Select(f => "f" + f.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (featureNames.Length != featureCount)
                throw new ModelFormatException($"{path}: '{OnnxTreeEnsembleReader.FeatureNamesKey}' lists {featureNames.Length} names, but the input '{inputName}' has {featureCount} columns.");
            var isAction = metadata.GetValueOrDefault(OnnxScoringContract.MeaningKey) == OnnxScoringContract.ActionMeaning;
            var labels = metadata.GetValueOrDefault(isAction ? OnnxScoringContract.ActionsKey : OnnxScoringContract.ClassesKey)?.Split(',') ?? [];
            return new OnnxRuntimeModel(model, model.CreateRowRunner(inputName, featureCount, outputName, width), task, featureNames, outputName, inputName, isAction)
            {
                OutputLabels = labels,
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes <see cref="Outputs"/> predictions for one row; nothing is allocated.</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        var scores = _runner.Run(features);
        if (Task == ModelTask.Clustering)
        {
            output[0] = MlNet.MlNetFit.NearestCluster(scores);
            return;
        }
        for (var i = 0; i < Outputs; i++) output[i] = scores[i];
    }

    /// <summary>
    /// Writes <see cref="Outputs"/> predictions for each of <paramref name="rowCount"/> rows in one ONNX Runtime run (row by
    /// row when the model's batch dimension is fixed at one): the batch path model-agnostic explainers use.
    /// </summary>
    public void PredictBatch(ReadOnlySpan<double> rows, int rowCount, Span<double> outputs)
    {
        var width = FeatureNames.Count;
        if (rows.Length < rowCount * width) throw new ArgumentException($"{rows.Length} values are fewer than {rowCount} rows of {width} features", nameof(rows));
        if (_fixedBatchOfOne || Task == ModelTask.Clustering)
        {
            for (var r = 0; r < rowCount; r++) Predict(rows.Slice(r * width, width), outputs.Slice(r * Outputs, Outputs));
            return;
        }
        var shape = new long[] { rowCount, width };
        using var input = _floatInput
            ? OrtValue.CreateTensorValueFromMemory(ToFloats(rows[..(rowCount * width)]), shape)
            : OrtValue.CreateTensorValueFromMemory(rows[..(rowCount * width)].ToArray(), shape);
        try
        {
            using var options = new RunOptions();
            using var results = _model.Session.Run(options, [_inputName], [input], [OutputName]);
            var scores = results[0].GetTensorDataAsSpan<float>();
            var columns = scores.Length / rowCount;
            for (var r = 0; r < rowCount; r++)
                for (var i = 0; i < Outputs; i++) outputs[r * Outputs + i] = scores[r * columns + i];
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"ONNX Runtime failed to run the model '{_model.Source}' on {rowCount} rows", e);
        }
    }

    private static float[] ToFloats(ReadOnlySpan<double> values)
    {
        var floats = new float[values.Length];
        for (var i = 0; i < values.Length; i++) floats[i] = (float)values[i];
        return floats;
    }

    public void Dispose()
    {
        _runner.Dispose();
        _model.Dispose();
    }
}
