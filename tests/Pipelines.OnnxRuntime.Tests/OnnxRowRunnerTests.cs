using Pipelines.Learning.Compilation;
using Pipelines.Learning.Onnx;
using Pipelines.Testing;

namespace Pipelines.OnnxRuntime.Tests;

public sealed class OnnxRowRunnerTests
{
    [Fact]
    public void Single_row_scores_match_the_batch_run_of_the_same_rows()
    {
        var model = TestData.FixtureModel("multiclass");
        var rows = TestData.ProbingRows(model, 200, seed: 31);
        using var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions));
        var (batch, _) = onnx.Run<float>(OnnxTreeEnsembleExporter.InputName, rows, OnnxTreeEnsembleExporter.ProbabilitiesOutputName);

        using var runner = onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ProbabilitiesOutputName, 3);

        for (int r = 0; r < rows.Length; r++) Assert.Equal(batch.AsSpan(r * 3, 3).ToArray(), runner.Run(rows[r]).ToArray());
    }

    [Fact]
    public void Compiled_and_ONNX_Runtime_single_row_scores_agree_within_1e_5()
    {
        var model = TestData.FixtureModel("binary");
        var compiled = CompiledTreeEnsemble.Compile(model);
        using var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions));
        using var runner = onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ProbabilitiesOutputName, 2);

        foreach (var row in TestData.ProbingRows(model, 300, seed: 32))
            Assert.InRange(runner.Run(row)[1] - compiled.PredictSingle(row), -1e-5, 1e-5);
    }

    [Fact]
    public void Scoring_a_row_allocates_nothing_once_warm()
    {
        var model = TestData.FixtureModel("binary");
        var rows = TestData.ProbingRows(model, 100, seed: 33);
        using var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions));
        using var runner = onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ProbabilitiesOutputName, 2);
        float sum = 0;
        foreach (var row in rows) sum += runner.Run(row)[1];

        var allocated = AllocationCounter.LeastPerRound(_ =>
        {
            for (int i = 0; i < 5000; i++) sum += runner.Run(rows[i % rows.Length])[1];
        });

        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Names_and_row_widths_that_do_not_fit_the_runner_are_rejected()
    {
        var model = TestData.FixtureModel("regression");
        using var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.RawScores), "regression.onnx");

        var input = Assert.Throws<ArgumentException>(() => onnx.CreateRowRunner("x", model.FeatureCount, OnnxTreeEnsembleExporter.ScoresOutputName, 1));
        Assert.Contains($"The model 'regression.onnx' has no input 'x' (inputs: {OnnxTreeEnsembleExporter.InputName})", input.Message);
        var output = Assert.Throws<ArgumentException>(() => onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, "y", 1));
        Assert.Contains("has no output 'y'", output.Message);

        using var runner = onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ScoresOutputName, 1);
        Assert.Throws<ArgumentException>(() => runner.Run(new double[model.FeatureCount + 1]));
    }

    [Fact]
    public void A_runner_whose_tensors_do_not_fit_the_model_fails_naming_the_model_with_the_runtime_message()
    {
        var model = TestData.FixtureModel("regression");
        using var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.RawScores), "regression.onnx");
        using var runner = onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, 3, OnnxTreeEnsembleExporter.ScoresOutputName, 1);

        // The model's input has a fixed column count, which ONNX Runtime checks on every run.
        var error = Assert.Throws<OnnxModelException>(() => runner.Run(new double[3]));

        Assert.StartsWith("ONNX Runtime failed to run the model 'regression.onnx': ", error.Message);
        Assert.Contains("dimensions", error.Message);
    }

    [Fact]
    public void A_runner_refuses_to_run_after_its_model_is_disposed()
    {
        var model = TestData.FixtureModel("regression");
        var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.RawScores));
        using var runner = onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ScoresOutputName, 1);
        onnx.Dispose();

        Assert.Throws<ObjectDisposedException>(() => runner.Run(new double[model.FeatureCount]));
    }
}
