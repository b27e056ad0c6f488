using Microsoft.ML.OnnxRuntime;
using Pipelines.Learning.Onnx;

namespace Pipelines.OnnxRuntime.Tests;

public sealed class OnnxModelTests
{
    [Fact]
    public void The_runtime_loaded_is_version_1_32()
    {
        Assert.StartsWith("1.32", OrtEnv.Instance().GetVersionString());
    }

    [Fact]
    public void Exported_models_expose_the_documented_input_and_outputs()
    {
        var model = TestData.FixtureModel("binary");
        using var raw = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.RawScores));
        Assert.Equal(new[] { OnnxTreeEnsembleExporter.InputName }, raw.Session.InputNames);
        Assert.Equal(new[] { OnnxTreeEnsembleExporter.ScoresOutputName }, raw.Session.OutputNames);
        using var classifier = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions));
        Assert.Equal(new[] { OnnxTreeEnsembleExporter.LabelOutputName, OnnxTreeEnsembleExporter.ProbabilitiesOutputName }, classifier.Session.OutputNames);
    }

    [Fact]
    public void A_saved_model_file_scores_as_the_same_model_loaded_from_its_bytes()
    {
        var model = TestData.FixtureModel("multiclass");
        var rows = TestData.ProbingRows(model, 200, seed: 30);
        string path = Path.Combine(Path.GetTempPath(), $"pipelines-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxTreeEnsembleExporter.Save(model, path, OnnxOutputKind.Predictions);
            using var fromFile = OnnxModel.Open(path);
            using var fromBytes = OnnxModel.Load(File.ReadAllBytes(path));

            Assert.Equal(path, fromFile.Source);
            Assert.Equal(fromBytes.Run<float>(OnnxTreeEnsembleExporter.InputName, rows, OnnxTreeEnsembleExporter.ProbabilitiesOutputName).Values,
                fromFile.Run<float>(OnnxTreeEnsembleExporter.InputName, rows, OnnxTreeEnsembleExporter.ProbabilitiesOutputName).Values);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_corrupt_model_file_is_reported_with_its_path_and_the_runtime_message()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pipelines-corrupt-{Guid.NewGuid():N}.onnx");
        try
        {
            var bytes = OnnxTreeEnsembleExporter.Export(TestData.FixtureModel("binary"), OnnxOutputKind.RawScores);
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());

            var error = Assert.Throws<OnnxModelException>(() => OnnxModel.Open(path));

            Assert.StartsWith($"ONNX Runtime could not load the model '{path}': ", error.Message);
            var runtimeError = Assert.IsType<OnnxRuntimeException>(error.InnerException);
            Assert.EndsWith(runtimeError.Message, error.Message);
            Assert.Contains("ErrorCode", runtimeError.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bytes_that_are_not_a_model_empty_bytes_and_missing_files_are_rejected_naming_the_model()
    {
        var garbage = Assert.Throws<OnnxModelException>(() => OnnxModel.Load("not an onnx model"u8.ToArray(), "garbage.onnx"));
        Assert.StartsWith("ONNX Runtime could not load the model 'garbage.onnx': ", garbage.Message);

        var empty = Assert.Throws<ArgumentException>(() => OnnxModel.Load(Array.Empty<byte>(), "empty.onnx"));
        Assert.Contains("'empty.onnx' is empty", empty.Message);

        var missing = Assert.Throws<FileNotFoundException>(() => OnnxModel.Open("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", missing.Message);
    }
}
