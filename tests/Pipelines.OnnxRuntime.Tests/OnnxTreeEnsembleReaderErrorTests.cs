using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;

namespace Pipelines.OnnxRuntime.Tests;

/// <summary>Malformed ONNX tree models are refused with a <see cref="ModelFormatException"/> that names the file and the field.</summary>
public sealed class OnnxTreeEnsembleReaderErrorTests
{
    public static TheoryData<string, string> MalformedAttributes => new()
    {
        { "arrays of different lengths", "'nodes_values' has 7 entries but 'nodes_treeids' has 8" },
        { "a missing attribute", "'nodes_modes' is required and missing" },
        { "a cycle", "tree 3 has no root" },
        { "a shared subtree", "tree 7 has more than one root (nodes 0 and 1)" },
        { "a child id out of range", "nodes_truenodeids[0] (tree 7, node 0) points to node 99" },
        { "a feature id out of range", "nodes_featureids reaches feature 5, but the input 'x' has 2 columns" },
        { "an equality mode", "nodes_modes[1] (tree 7, node 4) is 'BRANCH_EQ'" },
        { "an averaging aggregate", "'aggregate_function' is 'AVERAGE'" },
        { "a probit transform", "'post_transform' is 'PROBIT'" },
        { "a weight on a branch", "target_nodeids[0] gives a weight to node 4 of tree 7, which is a BRANCH_GTE node" },
        { "a target id out of range", "target_ids[1] is 3, outside the 1 outputs" },
        { "a weight on a missing node", "target_nodeids[4] names node 9 of tree 3" },
        { "a bad missing flag", "nodes_missing_value_tracks_true[0] is 2" },
        { "a duplicate node", "tree 7 lists node 4 twice" },
        { "base values of the wrong length", "'base_values' has 2 entries for 1 outputs" },
    };

    [Theory]
    [MemberData(nameof(MalformedAttributes))]
    public void Malformed_attributes_are_refused_naming_the_file_and_the_field(string defect, string expectedMessage)
    {
        byte[] onnx = HandWrittenModels.MixedModesRegressor(attributes => Break(attributes, defect));

        var error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(onnx, "bad.onnx"));

        Assert.StartsWith("bad.onnx: ModelProto.graph.node[0]", error.Message);
        Assert.Contains(expectedMessage, error.Message);
    }

    [Fact]
    public void An_operator_that_changes_the_scores_is_refused_but_an_Exp_makes_a_log_link_model()
    {
        var error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(HandWrittenModels.MixedModesRegressor(extraOps: new[] { "Neg" }), "neg.onnx"));
        Assert.Contains("op_type: is 'Neg'", error.Message);

        // A Cast without a target type cannot be shown to keep the scores.
        error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(HandWrittenModels.MixedModesRegressor(extraOps: new[] { "Cast" }), "cast.onnx"));
        Assert.Contains("'to' of a Cast is missing", error.Message);

        var exponential = OnnxTreeEnsembleReader.Read(HandWrittenModels.MixedModesRegressor(extraOps: new[] { "Exp" }));
        var output = new double[1];
        exponential.Predict(new[] { 1.0, 2.0 }, output);
        Assert.Equal(Math.Exp(24.25), output[0]);
    }

    [Fact]
    public void A_float_input_is_accepted_and_a_graph_without_a_tree_ensemble_is_refused()
    {
        var model = OnnxTreeEnsembleReader.Read(HandWrittenModels.MixedModesRegressor(inputType: OnnxDataType.Float));
        Assert.Equal(2, model.FeatureCount);

        byte[] noEnsemble = OnnxModelWriter.Write("g", new[] { new OnnxNode("Relu", "", new[] { "x" }, new[] { "y" }, Array.Empty<OnnxAttribute>()) },
            new[] { new OnnxValueInfo("x", OnnxDataType.Float, 2) }, new[] { new OnnxValueInfo("y", OnnxDataType.Float, 2) }, Array.Empty<KeyValuePair<string, string>>());
        var error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(noEnsemble, "relu.onnx"));
        Assert.Contains("has no ai.onnx.ml TreeEnsembleRegressor or TreeEnsembleClassifier (operators: Relu)", error.Message);

        error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(HandWrittenModels.MixedModesRegressor(inputType: OnnxDataType.Int64), "int.onnx"));
        Assert.Contains("elem_type: is 7; the input 'x' must be float (1) or double (11)", error.Message);
    }

    [Fact]
    public void A_chain_deeper_than_the_supported_depth_is_refused_and_one_at_the_limit_is_read()
    {
        int limit = OnnxTreeEnsembleReader.MaxTreeDepth;
        var error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(HandWrittenModels.ChainRegressor(limit + 1), "chain.onnx"));
        Assert.Contains($"tree 0 is deeper than {limit} levels", error.Message);

        var model = OnnxTreeEnsembleReader.Read(HandWrittenModels.ChainRegressor(limit));
        Assert.Equal(limit, model.MaxDepth);
        var output = new double[1];
        // x = 10.5 fails the tests f0 <= 0 .. f0 <= 10 and passes f0 <= 11, whose leaf weighs 11.
        model.Predict(new[] { 10.5 }, output);
        Assert.Equal(11.0, output[0]);
        model.Predict(new[] { 1e9 }, output);
        Assert.Equal(limit, output[0]);
    }

    [Fact]
    public void Every_truncation_of_a_model_file_is_refused_or_still_describes_the_same_model()
    {
        var original = TestData.RandomEnsemble(ModelObjective.Multiclass(3), iterations: 3, features: 4, seed: 41);
        byte[] onnx = OnnxTreeEnsembleExporter.Export(original, OnnxOutputKind.Predictions);
        var rows = TestData.ProbingRows(original, 200, seed: 42);
        int refused = 0;
        for (int length = 0; length < onnx.Length; length++)
        {
            TreeEnsembleModel read;
            try
            {
                read = OnnxTreeEnsembleReader.Read(onnx.AsMemory(0, length), "cut.onnx");
            }
            catch (ModelFormatException e)
            {
                Assert.StartsWith("cut.onnx: ", e.Message);
                refused++;
                continue;
            }
            // A cut on a field boundary after the graph loses only the opset list or metadata (feature names).
            AssertSamePredictions(original, read, rows);
        }
        Assert.True(refused >= onnx.Length - 200, $"only {refused} of {onnx.Length} truncations were refused");
    }

    [Fact]
    public void Random_bytes_and_flipped_bytes_give_a_format_error_never_another_exception()
    {
        var random = new Random(43);
        for (int i = 0; i < 3000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && i % 2 == 0) bytes[0] = 0x08;
            Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Read(bytes, "noise.onnx"));
        }

        // Flipped bytes may still decode to some valid model; what must never happen is any exception but ModelFormatException.
        var original = TestData.RandomEnsemble(ModelObjective.Binary(), iterations: 4, features: 3, seed: 44);
        byte[] onnx = OnnxTreeEnsembleExporter.Export(original, OnnxOutputKind.Predictions);
        for (int i = 0; i < 3000; i++)
        {
            var corrupt = (byte[])onnx.Clone();
            for (int flips = 1 + random.Next(3); flips > 0; flips--) corrupt[random.Next(corrupt.Length)] ^= (byte)(1 << random.Next(8));
            var exception = Record.Exception(() => OnnxTreeEnsembleReader.Read(corrupt, "flipped.onnx"));
            if (exception is not null and not ModelFormatException) Assert.Fail($"flip set {i} threw {exception}");
        }
    }

    [Fact]
    public void Loading_from_a_file_names_the_file_and_the_first_byte_tells_ONNX_from_model_text()
    {
        string path = Path.Combine(Path.GetTempPath(), $"onnx-reader-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, OnnxTreeEnsembleExporter.Export(TestData.FixtureModel("regression"), OnnxOutputKind.Predictions));
            Assert.True(OnnxTreeEnsembleReader.LooksLikeOnnx(path));
            Assert.Equal(TestData.FixtureModel("regression").FeatureNames, OnnxTreeEnsembleReader.Load(path).FeatureNames);
            Assert.False(OnnxTreeEnsembleReader.LooksLikeOnnx(TestData.LightGbm("model-regression.txt")));

            File.WriteAllBytes(path, new byte[] { 0x08, 0x08, 0x3A, 0x05, 0x0A });
            var error = Assert.Throws<ModelFormatException>(() => OnnxTreeEnsembleReader.Load(path));
            Assert.StartsWith(path + ": ModelProto", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Break(Dictionary<string, OnnxAttribute> attributes, string defect)
    {
        switch (defect)
        {
            case "arrays of different lengths":
                attributes["nodes_values"] = OnnxAttribute.Floats("nodes_values", new[] { 0.5f, -1f, 0f, 0f, 0f, 2f, 0f });
                break;
            case "a missing attribute":
                attributes.Remove("nodes_modes");
                break;
            case "a cycle":
                attributes["nodes_modes"] = OnnxAttribute.Strings("nodes_modes", new[] { "BRANCH_LT", "BRANCH_GTE", "LEAF", "LEAF", "LEAF", "BRANCH_GT", "BRANCH_LEQ", "LEAF" });
                attributes["nodes_truenodeids"] = OnnxAttribute.Ints("nodes_truenodeids", new long[] { 4, 1, 0, 0, 0, 1, 0, 0 });
                attributes["nodes_falsenodeids"] = OnnxAttribute.Ints("nodes_falsenodeids", new long[] { 3, 2, 0, 0, 0, 2, 2, 0 });
                attributes["target_nodeids"] = OnnxAttribute.Ints("target_nodeids", new long[] { 1, 2, 3, 2, 2 });
                break;
            case "a shared subtree":
                attributes["nodes_falsenodeids"] = OnnxAttribute.Ints("nodes_falsenodeids", new long[] { 3, 3, 0, 0, 0, 2, 0, 0 });
                attributes["nodes_truenodeids"] = OnnxAttribute.Ints("nodes_truenodeids", new long[] { 4, 2, 0, 0, 0, 1, 0, 0 });
                break;
            case "a child id out of range":
                attributes["nodes_truenodeids"] = OnnxAttribute.Ints("nodes_truenodeids", new long[] { 99, 1, 0, 0, 0, 1, 0, 0 });
                break;
            case "a feature id out of range":
                attributes["nodes_featureids"] = OnnxAttribute.Ints("nodes_featureids", new long[] { 5, 1, 0, 0, 0, 1, 0, 0 });
                break;
            case "an equality mode":
                attributes["nodes_modes"] = OnnxAttribute.Strings("nodes_modes", new[] { "BRANCH_LT", "BRANCH_EQ", "LEAF", "LEAF", "LEAF", "BRANCH_GT", "LEAF", "LEAF" });
                break;
            case "an averaging aggregate":
                attributes["aggregate_function"] = OnnxAttribute.String("aggregate_function", "AVERAGE");
                break;
            case "a probit transform":
                attributes["post_transform"] = OnnxAttribute.String("post_transform", "PROBIT");
                break;
            case "a weight on a branch":
                attributes["target_nodeids"] = OnnxAttribute.Ints("target_nodeids", new long[] { 4, 2, 3, 1, 2 });
                break;
            case "a target id out of range":
                attributes["target_ids"] = OnnxAttribute.Ints("target_ids", new long[] { 0, 3, 0, 0, 0 });
                break;
            case "a weight on a missing node":
                attributes["target_nodeids"] = OnnxAttribute.Ints("target_nodeids", new long[] { 1, 2, 3, 1, 9 });
                break;
            case "a bad missing flag":
                attributes["nodes_missing_value_tracks_true"] = OnnxAttribute.Ints("nodes_missing_value_tracks_true", new long[] { 2, 0, 0, 0, 0, 1, 0, 0 });
                break;
            case "a duplicate node":
                attributes["nodes_nodeids"] = OnnxAttribute.Ints("nodes_nodeids", new long[] { 0, 4, 1, 2, 4, 0, 1, 2 });
                break;
            case "base values of the wrong length":
                attributes["base_values"] = OnnxAttribute.Floats("base_values", new[] { 0.25f, 1f });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(defect), defect, "Unknown defect.");
        }
    }

    private static void AssertSamePredictions(TreeEnsembleModel original, TreeEnsembleModel read, double[][] rows)
    {
        var expected = new double[original.TreesPerIteration];
        var actual = new double[read.TreesPerIteration];
        foreach (var row in rows)
        {
            original.Predict(row, expected);
            read.Predict(row, actual);
            Assert.Equal(expected, actual);
        }
    }
}
