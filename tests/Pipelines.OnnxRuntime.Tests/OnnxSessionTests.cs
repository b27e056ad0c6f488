using Pipelines.Learning.Compilation;
using Pipelines.Learning.Onnx;

namespace Pipelines.OnnxRuntime.Tests;

public sealed class OnnxSessionTests
{
    [Fact]
    public void The_runtime_is_version_1_30()
    {
        Assert.StartsWith("1.30", OnnxSession.RuntimeVersion);
    }

    [Fact]
    public void Exported_models_expose_the_documented_input_and_outputs()
    {
        var model = TestData.FixtureModel("binary");
        using var raw = OnnxSession.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.RawScores));
        Assert.Equal(new[] { OnnxTreeEnsembleExporter.InputName }, raw.InputNames);
        Assert.Equal(new[] { OnnxTreeEnsembleExporter.ScoresOutputName }, raw.OutputNames);
        using var classifier = OnnxSession.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions));
        Assert.Equal(new[] { OnnxTreeEnsembleExporter.LabelOutputName, OnnxTreeEnsembleExporter.ProbabilitiesOutputName }, classifier.OutputNames);
    }

    [Fact]
    public void A_saved_model_file_loads_and_the_row_runner_matches_the_batch_run_without_allocating()
    {
        var model = TestData.FixtureModel("multiclass");
        string path = Path.Combine(Path.GetTempPath(), $"pipelines-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxTreeEnsembleExporter.Save(model, path, OnnxOutputKind.Predictions);
            using var session = OnnxSession.Open(path);
            var rows = TestData.ProbingRows(model, 200, seed: 31);
            var batch = session.Run(OnnxTreeEnsembleExporter.InputName, rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, model.FeatureCount },
                OnnxTreeEnsembleExporter.ProbabilitiesOutputName)[0].GetFloats();
            using var runner = session.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ProbabilitiesOutputName, 3);
            for (int r = 0; r < rows.Length; r++) Assert.Equal(batch.AsSpan(r * 3, 3).ToArray(), runner.Run(rows[r]).ToArray());

            long before = GC.GetAllocatedBytesForCurrentThread();
            float sum = 0;
            for (int i = 0; i < 2000; i++) sum += runner.Run(rows[i % rows.Length])[0];
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(sum > 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Compiled_and_ONNX_Runtime_single_row_scores_agree()
    {
        var model = TestData.FixtureModel("binary");
        var compiled = CompiledTreeEnsemble.Compile(model);
        using var session = OnnxSession.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions));
        using var runner = session.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ProbabilitiesOutputName, 2);
        foreach (var row in TestData.ProbingRows(model, 300, seed: 32))
            Assert.InRange(runner.Run(row)[1] - compiled.PredictSingle(row), -1e-5, 1e-5);
    }

    [Fact]
    public void A_corrupt_model_file_is_reported_with_its_path_and_the_runtime_message()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pipelines-corrupt-{Guid.NewGuid():N}.onnx");
        try
        {
            var bytes = OnnxTreeEnsembleExporter.Export(TestData.FixtureModel("binary"), OnnxOutputKind.RawScores);
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Open(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("could not load", error.Message);
            Assert.NotEqual(OnnxRuntimeErrorCode.Ok, error.ErrorCode);
            // The runtime's own explanation follows the colon.
            Assert.True(error.Message.Length > error.Message.IndexOf(": ", StringComparison.Ordinal) + 10, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bytes_that_are_not_a_model_and_missing_files_are_rejected()
    {
        var garbage = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Load("not an onnx model"u8, "garbage.onnx"));
        Assert.Contains("garbage.onnx", garbage.Message);
        Assert.Throws<ArgumentException>(() => OnnxSession.Load(ReadOnlySpan<byte>.Empty));
        var missing = Assert.Throws<FileNotFoundException>(() => OnnxSession.Open("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", missing.Message);
    }

    [Fact]
    public void Runner_and_run_arguments_that_do_not_fit_the_model_are_rejected()
    {
        var model = TestData.FixtureModel("regression");
        using var session = OnnxSession.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.RawScores));
        var unknown = Assert.Throws<ArgumentException>(() => session.CreateRowRunner("x", model.FeatureCount, OnnxTreeEnsembleExporter.ScoresOutputName, 1));
        Assert.Contains("features", unknown.Message);
        using var runner = session.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ScoresOutputName, 1);
        Assert.Throws<ArgumentException>(() => runner.Run(new double[model.FeatureCount + 1]));
        Assert.Throws<ArgumentException>(() => session.Run(OnnxTreeEnsembleExporter.InputName, new double[5], new long[] { 1, model.FeatureCount }));
        // A wrong row width reaches ONNX Runtime, whose shape check names the problem.
        var shape = Assert.Throws<OnnxRuntimeException>(() => session.Run(OnnxTreeEnsembleExporter.InputName, new double[3], new long[] { 1, 3 }));
        Assert.Contains("failed to run", shape.Message);
    }
}
