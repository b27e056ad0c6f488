using System.Globalization;
using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class PredictiveModelTests
{
    [Fact]
    public void LightGbm_model_text_predicts_as_LightGBM_does()
    {
        var fixtures = Path.Combine(RepositoryFiles.Root, "tests", "fixtures", "lightgbm");
        var model = PredictiveModel.Load(Path.Combine(fixtures, "model-multiclass.txt"));
        Assert.NotNull(model.Trees);
        Assert.Null(model.Linear);
        Assert.Equal(3, model.Outputs);
        Assert.Equal(ObjectiveKind.Softmax, model.Kind);
        Assert.False(model.IsRegression);

        // The first test row (the label column dropped) and LightGBM's own probabilities for it.
        var row = File.ReadLines(Path.Combine(fixtures, "test-multiclass.csv")).Skip(1).First().Split(',').Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var expected = File.ReadLines(Path.Combine(fixtures, "predict-multiclass.txt")).First().Split('\t')
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var output = new double[3];
        model.Predict(row, output);
        for (var c = 0; c < 3; c++) Assert.Equal(expected[c], output[c], 12);
    }

    [Fact]
    public void An_ONNX_tree_model_is_recognised_and_predicts_as_LightGBM_does()
    {
        var fixtures = Path.Combine(RepositoryFiles.Root, "tests", "fixtures", "lightgbm");
        var path = Path.Combine(Path.GetTempPath(), $"model-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxTreeEnsembleExporter.Save(LightGbmModelReader.Load(Path.Combine(fixtures, "model-binary.txt")), path, OnnxOutputKind.Predictions);
            var model = PredictiveModel.Load(path);
            Assert.NotNull(model.Trees);
            Assert.Equal(1, model.Outputs);
            Assert.Equal(ObjectiveKind.Sigmoid, model.Kind);

            // The first test row (the label column dropped) and LightGBM's own probability for it.
            var row = File.ReadLines(Path.Combine(fixtures, "test-binary.csv")).Skip(1).First().Split(',').Skip(1)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var expected = double.Parse(File.ReadLines(Path.Combine(fixtures, "predict-binary.txt")).First(), CultureInfo.InvariantCulture);
            var output = new double[1];
            model.Predict(row, output);
            Assert.Equal(expected, output[0], 12);

            File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);
            var error = Assert.Throws<ModelFormatException>(() => PredictiveModel.Load(path));
            Assert.StartsWith(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_linear_model_file_is_recognised_and_predicts_its_probability()
    {
        var data = new DenseDataset([1, 1, 1, -1, -1, -1], 6, ["x"], [1, 1, 0, 0, 0, 1]);
        var linear = LinearTrainer.Fit(data, new LinearParameters { L2 = 0, Standardize = false });
        var path = Path.Combine(Path.GetTempPath(), $"linear-{Guid.NewGuid():N}.json");
        try
        {
            LinearModelFile.Save(linear, path);
            var model = PredictiveModel.Load(path);
            Assert.NotNull(model.Linear);
            Assert.Null(model.Trees);
            Assert.Equal(1, model.Outputs);
            Assert.Equal(ObjectiveKind.Sigmoid, model.Kind);
            Assert.Equal(["x"], model.FeatureNames);
            var output = new double[1];
            model.Predict([1.0], output);
            // Two of the three rows at x = 1 are positive; the unpenalised fit reproduces that rate (see the 1-D case in the learning tests).
            Assert.Equal(2.0 / 3, output[0], 9);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
