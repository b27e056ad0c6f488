using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Abstractions;
using Pipelines.OnnxRuntime;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Registry;

/// <summary>
/// Holds an ONNX graph made elsewhere to what registry/import declares of it, through ONNX Runtime: the graph loads,
/// the input takes a [rows, features] float or double matrix with one column per declared feature, the output is a
/// float [rows, width] (or [rows]) tensor whose width fits the declared meaning, and a probe row of zeros run through
/// the model gives exactly that width (which catches dynamic shapes the graph does not state). Each refusal names the
/// input of the step it contradicts and the value.
/// </summary>
internal static class OnnxImportCheck
{
    /// <summary>What the registered copy's metadata says: the graph's input and output, the task and the output's width.</summary>
    public sealed record Contract(string InputName, string OutputName, ModelTask Task, int Width);

    private static readonly string[] OwnKeys =
        [OnnxScoringContract.TaskKey, OnnxScoringContract.OutputKey, OnnxScoringContract.MeaningKey, OnnxScoringContract.ClassesKey, OnnxScoringContract.ActionsKey,
         Pipelines.Learning.Onnx.OnnxTreeEnsembleReader.FeatureNamesKey];

    public static Contract Check(byte[] bytes, ImportModelInputs inputs)
    {
        OnnxModel model;
        try
        {
            model = OnnxModel.Load(bytes, inputs.Path.Relative);
        }
        catch (OnnxModelException e)
        {
            throw new StepInputException("path", $"'{inputs.Path.Relative}' is not an ONNX model ONNX Runtime can load: {e.InnerException?.Message ?? e.Message}");
        }
        using (model)
        {
            var session = model.Session;
            if (session.ModelMetadata.CustomMetadataMap.Keys.FirstOrDefault(OwnKeys.Contains) is { } taken)
                throw new StepInputException("path", $"'{inputs.Path.Relative}' already carries the metadata key '{taken}' that the import writes; import the file the other tool exported");

            var inputName = Choose(inputs.InputName, session.InputNames, "input_name", "input");
            var input = session.InputMetadata[inputName];
            if (input.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR || input.ElementDataType is not (TensorElementType.Float or TensorElementType.Double) || input.Dimensions.Length != 2)
                throw new StepInputException("input_name", $"the graph input '{inputName}' is {Describe(input)}; a [rows, features] float or double matrix is needed");
            if (input.Dimensions[0] is not (-1 or 1))
                throw new StepInputException("input_name", $"the graph input '{inputName}' takes batches of exactly {input.Dimensions[0]} rows; one row at a time (or any number) is needed");
            if (input.Dimensions[1] > 0 && input.Dimensions[1] != inputs.Features.Count)
                throw new StepInputException("features", Text($"the graph input '{inputName}' has {input.Dimensions[1]} columns; features lists {inputs.Features.Count}: {string.Join(", ", inputs.Features)}"));

            var outputName = Choose(inputs.OutputName, session.OutputNames, "output_name", "output");
            var output = session.OutputMetadata[outputName];
            if (output.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR || output.ElementDataType != TensorElementType.Float || output.Dimensions.Length is not (1 or 2))
                throw new StepInputException("output_name", $"the graph output '{outputName}' is {Describe(output)}; a float [rows, width] or [rows] tensor is needed");
            var declared = output.Dimensions.Length == 1 ? 1 : output.Dimensions[1];

            var width = Probe(session, inputName, input, inputs.Features.Count, outputName);
            if (declared > 0 && declared != width)
                throw new StepInputException("output_name", Text($"the graph output '{outputName}' declares {declared} columns but gives {width} for one row"));
            var task = TaskOf(inputs, width);
            return new Contract(inputName, outputName, task, width);
        }
    }

    /// <summary>The metadata the registered copy carries, so every scoring step reads it as <see cref="OnnxRuntimeModel"/> does.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(Contract contract, ImportModelInputs inputs)
    {
        var entries = new List<KeyValuePair<string, string>>
        {
            new(Pipelines.Learning.Onnx.OnnxTreeEnsembleReader.FeatureNamesKey, string.Join(',', inputs.Features)),
            new(OnnxScoringContract.OutputKey, contract.OutputName),
            new(OnnxScoringContract.TaskKey, OnnxScoringContract.TaskName(contract.Task)),
            new(OnnxScoringContract.MeaningKey, inputs.Output.ToString().ToLowerInvariant()),
        };
        if (inputs.Classes.Count > 0) entries.Add(new(OnnxScoringContract.ClassesKey, string.Join(',', inputs.Classes)));
        if (inputs.Actions.Count > 0) entries.Add(new(OnnxScoringContract.ActionsKey, string.Join(',', inputs.Actions)));
        return entries;
    }

    private static ModelTask TaskOf(ImportModelInputs inputs, int width)
    {
        switch (inputs.Output)
        {
            case OutputMeaning.Probabilities:
                if (width == 1 && inputs.Classes.Count == 2) return ModelTask.Binary;
                if (width == inputs.Classes.Count) return ModelTask.Multiclass;
                throw new StepInputException("classes", Text($"the output gives {width} values per row; classes lists {inputs.Classes.Count} ({string.Join(", ", inputs.Classes)}){(inputs.Classes.Count == 2 ? ", which needs 1 (the second's probability) or 2" : "")}"));
            case OutputMeaning.Regression:
                if (width != 1) throw new StepInputException("output", Text($"regression reads one number per row; the output gives {width} (an action vector is output: action)"));
                return ModelTask.Regression;
            default:
                if (inputs.Actions.Count > 0 && inputs.Actions.Count != width)
                    throw new StepInputException("actions", Text($"the output gives {width} values per row; actions lists {inputs.Actions.Count} ({string.Join(", ", inputs.Actions)})"));
                return ModelTask.Regression;
        }
    }

    private static string Choose(string? named, IReadOnlyList<string> names, string field, string what)
    {
        if (named is not null)
            return names.Contains(named) ? named : throw new StepInputException(field, $"the graph has no {what} '{named}'; its {what}s: {string.Join(", ", names)}");
        return names.Count == 1 ? names[0] : throw new StepInputException(field, $"the graph has {names.Count} {what}s ({string.Join(", ", names)}); name the one to use");
    }

    private static int Probe(InferenceSession session, string inputName, NodeMetadata input, int features, string outputName)
    {
        var shape = new long[] { 1, features };
        using var value = input.ElementDataType == TensorElementType.Float
            ? OrtValue.CreateTensorValueFromMemory(new float[features], shape)
            : OrtValue.CreateTensorValueFromMemory(new double[features], shape);
        try
        {
            using var options = new RunOptions();
            using var results = session.Run(options, [inputName], [value], [outputName]);
            return (int)results[0].GetTensorTypeAndShape().ElementCount;
        }
        catch (OnnxRuntimeException e)
        {
            throw new StepInputException("features", Text($"the model fails on a row of {features} features (input '{inputName}'): {e.Message}"));
        }
    }

    private static string Describe(NodeMetadata value) => value.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR
        ? $"a {value.OnnxValueType.ToString().Replace("ONNX_TYPE_", "", StringComparison.Ordinal).ToLowerInvariant()}, not a tensor"
        : $"{value.ElementDataType.ToString().ToLowerInvariant()} [{string.Join(", ", value.Dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}]";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
