using Microsoft.ML;
using Pipelines.Learning.Data;
using Pipelines.Learning.Onnx;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>
/// A fitted ML.NET model as the ONNX model that is registered: ML.NET's ONNX converter writes the graph with only
/// the column the model's predictions are read from as output (binary: "Probability", otherwise "Score"), and the
/// graph is cut down to the nodes that output needs (<see cref="OnnxGraphPruning"/>); GAMs,
/// which the converter cannot export, go through <see cref="GamTreeConversion"/> and our TreeEnsemble exporter.
/// The model's metadata names the features, the output and the task, so whatever scores it later needs nothing else.
/// </summary>
internal static class MlNetOnnxExport
{
    public static byte[] Export(MlNetFit fit, MlNetTrainer trainer, DenseDataset train)
    {
        if (trainer == MlNetTrainer.Gam)
        {
            var ensemble = GamTreeConversion.ToEnsemble(fit.Parameters!, train);
            return OnnxTreeEnsembleExporter.Export(ensemble, OnnxOutputKind.Predictions);
        }
        using var stream = new MemoryStream();
        fit.Context.Model.ConvertToOnnx(fit.Transformer, MlNetData.Features(fit.Context, train), stream, fit.PredictionColumn);
        var output = fit.PredictionColumn + ".output";
        return OnnxModelMetadata.Append(OnnxGraphPruning.KeepOutput(stream.ToArray(), output),
        [
            new(OnnxTreeEnsembleReader.FeatureNamesKey, string.Join(",", train.FeatureNames)),
            new(OnnxScoringContract.OutputKey, output),
            new(OnnxScoringContract.TaskKey, OnnxScoringContract.TaskName(fit.Task)),
        ]);
    }
}
