using Pipelines.Learning.Compilation;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;

namespace Pipelines.OnnxRuntime.Tests;

/// <summary>
/// ONNX tree models read back into our ensemble: bit-identical to the model that was exported, identical again once
/// compiled, and in agreement with ONNX Runtime running the very same file.
/// </summary>
public sealed class OnnxTreeEnsembleReaderTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void LightGBM_fixture_models_read_back_from_ONNX_predict_bit_for_bit_and_agree_with_ONNX_Runtime(string kind)
    {
        var original = TestData.FixtureModel(kind);
        var test = TestData.FixtureRows(kind);
        var rows = Enumerable.Range(0, test.RowCount).Select(r => test.Row(r).ToArray()).Concat(TestData.ProbingRows(original, 1500, seed: 31)).ToArray();
        byte[] onnx = OnnxTreeEnsembleExporter.Export(original, OnnxOutputKind.Predictions);

        var read = OnnxTreeEnsembleReader.Read(onnx, $"model-{kind}.onnx");

        Assert.Equal(original.FeatureNames, read.FeatureNames);
        Assert.Equal(original.Objective.Kind, read.Objective.Kind);
        AssertBitIdentical(original, read, rows);
        AssertAgreesWithOnnxRuntime(onnx, read, rows);
    }

    [Theory]
    [InlineData("binary sigmoid:1")]
    [InlineData("regression")]
    [InlineData("poisson")]
    [InlineData("multiclass num_class:3")]
    [InlineData("multiclassova num_class:3")]
    public void Random_ensembles_with_every_missing_type_survive_export_and_read_back(string objective)
    {
        // Zero-as-missing splits are exported as BRANCH_LT/BRANCH_LEQ chains, so reading them back exercises the LT mode too.
        var original = TestData.RandomEnsemble(ModelObjective.Parse(objective), iterations: 30, features: 5, seed: objective.Length + 7);
        var rows = TestData.ProbingRows(original, 2500, seed: 32);
        byte[] onnx = OnnxTreeEnsembleExporter.Export(original, OnnxOutputKind.Predictions);

        var read = OnnxTreeEnsembleReader.Read(onnx);

        AssertBitIdentical(original, read, rows);
        AssertAgreesWithOnnxRuntime(onnx, read, rows);
    }

    [Fact]
    public void A_raw_score_export_reads_back_as_the_regression_of_the_raw_scores()
    {
        var original = TestData.RandomEnsemble(ModelObjective.Binary(), iterations: 20, features: 4, seed: 33);
        var rows = TestData.ProbingRows(original, 1000, seed: 34);

        var read = OnnxTreeEnsembleReader.Read(OnnxTreeEnsembleExporter.Export(original, OnnxOutputKind.RawScores));

        Assert.Equal(ObjectiveKind.Identity, read.Objective.Kind);
        var raw = new double[1];
        var readBack = new double[1];
        foreach (var row in rows)
        {
            original.PredictRaw(row, raw);
            read.Predict(row, readBack);
            Assert.Equal(raw[0], readBack[0]);
        }
    }

    [Fact]
    public void A_hand_written_model_with_LT_GTE_GT_modes_and_missing_tracking_scores_as_computed_by_hand_and_by_ONNX_Runtime()
    {
        byte[] onnx = HandWrittenModels.MixedModesRegressor();
        var model = OnnxTreeEnsembleReader.Read(onnx, "mixed.onnx");

        // Tree 7: f0 < 0.5 (NaN tracks true) ? (f1 >= -1 (NaN false) ? 1 : 2) : 4.   Tree 3: f1 > 2 (NaN tracks true) ? 10 : 20.
        // Base value 0.25. Trees are listed with ids 7 then 3 and node ids out of order on purpose.
        var cases = new (double[] Row, double Expected)[]
        {
            (new[] { 0.5, -1.0 }, 4 + 20 + 0.25),                                   // 0.5 < 0.5 is false
            (new[] { Math.BitDecrement(0.5), -1.0 }, 1 + 20 + 0.25),                // just below 0.5; -1 >= -1
            (new[] { double.NaN, Math.BitDecrement(-1.0) }, 2 + 20 + 0.25),         // NaN tracks true; just below -1
            (new[] { 0.0, double.NaN }, 2 + 10 + 0.25),                             // NaN fails >= -1; NaN tracks true in tree 3
            (new[] { 1.0, 2.0 }, 4 + 20 + 0.25),                                    // 2 > 2 is false
            (new[] { 1.0, Math.BitIncrement(2.0) }, 4 + 10 + 0.25),
            (new[] { -0.0, double.PositiveInfinity }, 1 + 10 + 0.25),
        };
        Assert.Equal(new[] { "f0", "f1" }, model.FeatureNames);
        var compiled = CompiledTreeEnsemble.Compile(model);
        var output = new double[1];
        using var runtimeModel = OnnxModel.Load(onnx, "mixed.onnx");
        var (runtime, _) = runtimeModel.Run<float>(HandWrittenModels.InputName, cases.Select(c => c.Row).ToArray(), HandWrittenModels.ScoresName);
        for (int i = 0; i < cases.Length; i++)
        {
            model.Predict(cases[i].Row, output);
            Assert.Equal(cases[i].Expected, output[0]);
            compiled.Predict(cases[i].Row, output);
            Assert.Equal(cases[i].Expected, output[0]);
            Assert.Equal(cases[i].Expected, runtime[i]);
        }
    }

    [Fact]
    public void A_regressor_with_a_logistic_transform_is_refused_because_ONNX_Runtime_ignores_the_transform()
    {
        byte[] onnx = HandWrittenModels.MixedModesRegressor(a => a["post_transform"] = OnnxAttribute.String("post_transform", "LOGISTIC"));

        // The operator's definition says p = 1 / (1 + e^-24.25) for this row; ONNX Runtime returns the raw 24.25.
        using var runtimeModel = OnnxModel.Load(onnx);
        var (runtime, _) = runtimeModel.Run<float>(HandWrittenModels.InputName, new[] { new[] { 0.5, -1.0 } }, HandWrittenModels.ScoresName);
        Assert.Equal(24.25f, runtime[0]);
        var error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(onnx, "logistic.onnx"));
        Assert.Contains("'post_transform' is LOGISTIC on a regressor", error.Message);
    }

    [Fact]
    public void A_two_target_softmax_regressor_with_base_values_reads_as_multiclass_and_scores_as_ONNX_Runtime_does()
    {
        // Tree 7 feeds target 0 and tree 3 target 1; base values 0.5 and -2.
        byte[] onnx = HandWrittenModels.MixedModesRegressor(a =>
        {
            a["target_ids"] = OnnxAttribute.Ints("target_ids", new long[] { 0, 0, 0, 1, 1 });
            a["n_targets"] = OnnxAttribute.Int("n_targets", 2);
            a["base_values"] = OnnxAttribute.Floats("base_values", new[] { 0.5f, -2f });
            a["post_transform"] = OnnxAttribute.String("post_transform", "SOFTMAX");
        });
        var model = OnnxTreeEnsembleReader.Read(onnx);

        Assert.Equal(ObjectiveKind.Softmax, model.Objective.Kind);
        var rows = new[] { new[] { 0.5, -1.0 }, new[] { Math.BitDecrement(0.5), -1.0 }, new[] { double.NaN, Math.BitDecrement(-1.0) }, new[] { 0.0, double.NaN } };
        // Per row (tree 7 + 0.5, tree 3 - 2) from the hand computation: (4.5, 18), (1.5, 18), (2.5, 18), (2.5, 8).
        double[][] raw = { new[] { 4.5, 18.0 }, new[] { 1.5, 18.0 }, new[] { 2.5, 18.0 }, new[] { 2.5, 8.0 } };
        using var runtimeModel = OnnxModel.Load(onnx);
        var (runtime, _) = runtimeModel.Run<float>(HandWrittenModels.InputName, rows, HandWrittenModels.ScoresName);
        var output = new double[2];
        for (int r = 0; r < rows.Length; r++)
        {
            model.Predict(rows[r], output);
            double second = 1 / (1 + Math.Exp(raw[r][0] - raw[r][1]));
            Assert.Equal(1 - second, output[0], 1e-12);
            Assert.Equal(second, output[1], 1e-12);
            Assert.Equal(output[0], runtime[2 * r], Tolerance);
            Assert.Equal(output[1], runtime[2 * r + 1], Tolerance);
        }
    }

    [Fact]
    public void A_two_class_classifier_weighting_only_class_1_reads_as_binary_as_ONNX_Runtime_scores_it()
    {
        byte[] onnx = HandWrittenModels.ClassOneOnlyClassifier();
        var model = OnnxTreeEnsembleReader.Read(onnx, "class-one.onnx");

        Assert.Equal(ObjectiveKind.Sigmoid, model.Objective.Kind);
        // One tree: f0 <= 0 ? -1.5 : 0.75, so p = 1 / (1 + e^1.5) = 0.18242552380635635 or 1 / (1 + e^-0.75) = 0.679178699175393.
        var rows = new[] { new[] { -1.0 }, new[] { 0.0 }, new[] { 0.25 }, new[] { double.NaN } };
        double[] expected = { 0.18242552380635635, 0.18242552380635635, 0.679178699175393, 0.679178699175393 };
        using var runtimeModel = OnnxModel.Load(onnx, "class-one.onnx");
        var (probabilities, _) = runtimeModel.Run<float>(HandWrittenModels.InputName, rows, HandWrittenModels.ProbabilitiesName);
        var output = new double[1];
        for (int r = 0; r < rows.Length; r++)
        {
            model.Predict(rows[r], output);
            Assert.Equal(expected[r], output[0], 1e-15);
            // ONNX Runtime scores class 0 (which has no weights) as the logistic of 0, i.e. 0.5; class 1 is the model's p.
            Assert.Equal(expected[r], probabilities[2 * r + 1], Tolerance);
        }
    }

    private static void AssertBitIdentical(TreeEnsembleModel original, TreeEnsembleModel read, double[][] rows)
    {
        int outputs = original.TreesPerIteration;
        Assert.Equal(outputs, read.TreesPerIteration);
        var compiled = CompiledTreeEnsemble.Compile(read);
        var expected = new double[outputs];
        var actual = new double[outputs];
        var fast = new double[outputs];
        foreach (var row in rows)
        {
            original.Predict(row, expected);
            read.Predict(row, actual);
            compiled.Predict(row, fast);
            for (int k = 0; k < outputs; k++)
            {
                if (expected[k] != actual[k] || actual[k] != fast[k])
                    Assert.Fail($"output {k}: original {expected[k]:R}, read back {actual[k]:R}, compiled {fast[k]:R} for [{string.Join(", ", row.Select(v => v.ToString("R")))}]");
            }
        }
    }

    private static void AssertAgreesWithOnnxRuntime(byte[] onnx, TreeEnsembleModel read, double[][] rows)
    {
        var compiled = CompiledTreeEnsemble.Compile(read);
        int outputs = read.TreesPerIteration;
        bool classifier = read.Objective.Kind is ObjectiveKind.Sigmoid or ObjectiveKind.Softmax or ObjectiveKind.SigmoidPerClass;
        using var runtimeModel = OnnxModel.Load(onnx);
        var (values, shape) = runtimeModel.Run<float>(OnnxTreeEnsembleExporter.InputName, rows,
            classifier ? OnnxTreeEnsembleExporter.ProbabilitiesOutputName : OnnxTreeEnsembleExporter.ScoresOutputName);
        int width = (int)shape[1];
        var ours = new double[outputs];
        for (int r = 0; r < rows.Length; r++)
        {
            compiled.Predict(rows[r], ours);
            // A binary classifier reports [1 - p, p]; p is ours.
            int column = read.Objective.Kind == ObjectiveKind.Sigmoid ? 1 : 0;
            for (int k = 0; k < outputs; k++)
            {
                double runtime = values[r * width + column + k];
                if (!(Math.Abs(ours[k] - runtime) <= Tolerance * Math.Max(1.0, Math.Abs(ours[k]))))
                    Assert.Fail($"output {k}: compiled read-back {ours[k]:R}, ONNX Runtime {runtime:R} for [{string.Join(", ", rows[r].Select(v => v.ToString("R")))}]");
            }
        }
    }
}
