using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Data;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;

namespace Pipelines.OnnxRuntime.Tests;

/// <summary>Our GBDTs, exported to ONNX and run by the real ONNX Runtime, give our own scores within 1e-5.</summary>
public sealed class ExportedModelParityTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void LightGBM_fixture_models_score_alike_in_ONNX_Runtime(string kind)
    {
        var model = TestData.FixtureModel(kind);
        var test = TestData.FixtureRows(kind);
        var rows = Enumerable.Range(0, test.RowCount).Select(r => test.Row(r).ToArray()).Concat(TestData.ProbingRows(model, 1500, seed: 21)).ToArray();
        AssertParity(model, rows);
    }

    [Theory]
    [InlineData("binary sigmoid:1.7")]
    [InlineData("regression")]
    [InlineData("poisson")]
    [InlineData("multiclass num_class:3")]
    [InlineData("multiclassova num_class:3")]
    public void Random_ensembles_with_every_missing_type_score_alike_in_ONNX_Runtime(string objective)
    {
        var model = TestData.RandomEnsemble(ModelObjective.Parse(objective), iterations: 40, features: 5, seed: objective.Length);
        AssertParity(model, TestData.ProbingRows(model, 3000, seed: 22));
    }

    [Fact]
    public void A_freshly_trained_binary_model_scores_alike_in_ONNX_Runtime()
    {
        var train = SyntheticDataGenerator.Generate(SyntheticTask.Binary, rowCount: 3000, featureCount: 10, seed: 8);
        var model = LightGbmTrainer.TrainEnsemble(train, new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = "40", ["num_leaves"] = "31", ["seed"] = "4",
        });
        AssertParity(model, TestData.ProbingRows(model, 2000, seed: 23));
    }

    [Fact]
    public void Classifier_labels_are_the_most_probable_class()
    {
        var model = TestData.FixtureModel("multiclass");
        var rows = TestData.ProbingRows(model, 500, seed: 24);
        using var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions));
        var (labels, _) = onnx.Run<long>(OnnxTreeEnsembleExporter.InputName, rows, OnnxTreeEnsembleExporter.LabelOutputName);
        var probabilities = new double[3];
        for (int r = 0; r < rows.Length; r++)
        {
            model.Predict(rows[r], probabilities);
            Assert.Equal(Array.IndexOf(probabilities, probabilities.Max()), labels[r]);
        }
    }

    private static void AssertParity(TreeEnsembleModel model, double[][] rows)
    {
        int classes = model.TreesPerIteration;

        using (var raw = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.RawScores), "raw scores"))
        {
            var (actual, shape) = raw.Run<float>(OnnxTreeEnsembleExporter.InputName, rows, OnnxTreeEnsembleExporter.ScoresOutputName);
            Assert.Equal(new long[] { rows.Length, classes }, shape);
            var expected = new double[classes];
            for (int r = 0; r < rows.Length; r++)
            {
                model.PredictRaw(rows[r], expected);
                for (int k = 0; k < classes; k++) AssertClose(expected[k], actual[r * classes + k], rows[r], $"raw score {k}");
            }
        }

        var exported = OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions);
        using var predictions = OnnxModel.Load(exported, "predictions");
        bool classifier = model.Objective.Kind is ObjectiveKind.Sigmoid or ObjectiveKind.Softmax or ObjectiveKind.SigmoidPerClass;
        string output = classifier ? OnnxTreeEnsembleExporter.ProbabilitiesOutputName : OnnxTreeEnsembleExporter.ScoresOutputName;
        var (values, predictionShape) = predictions.Run<float>(OnnxTreeEnsembleExporter.InputName, rows, output);
        int width = (int)predictionShape[1];
        var ours = new double[classes];
        for (int r = 0; r < rows.Length; r++)
        {
            model.Predict(rows[r], ours);
            if (model.Objective.Kind == ObjectiveKind.Sigmoid)
            {
                Assert.Equal(2, width);
                AssertClose(1 - ours[0], values[r * 2], rows[r], "probability of class 0");
                AssertClose(ours[0], values[r * 2 + 1], rows[r], "probability of class 1");
            }
            else
            {
                Assert.Equal(classes, width);
                for (int k = 0; k < classes; k++) AssertClose(ours[k], values[r * classes + k], rows[r], $"prediction {k}");
            }
        }
    }

    private static void AssertClose(double expected, float actual, double[] row, string what)
    {
        double scale = Math.Max(1.0, Math.Abs(expected));
        if (!(Math.Abs(expected - actual) <= Tolerance * scale))
            Assert.Fail($"{what}: ours {expected:R}, ONNX Runtime {actual:R} for row [{string.Join(", ", row.Select(v => v.ToString("R")))}]");
    }
}
