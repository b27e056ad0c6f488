using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Trees;

public sealed class LightGbmModelReaderTests
{
    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void Predictions_match_LightGBM_on_its_own_fixtures(string kind)
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm($"model-{kind}.txt"));
        var test = Fixtures.ReadCsv($"test-{kind}.csv");
        var raw = Fixtures.ReadTable($"raw-{kind}.txt");
        var predicted = Fixtures.ReadTable($"predict-{kind}.txt");
        Assert.Equal(test.RowCount, raw.Length);
        Assert.Equal(test.RowCount, predicted.Length);

        var output = new double[model.TreesPerIteration];
        for (int row = 0; row < test.RowCount; row++)
        {
            Assert.Equal(model.TreesPerIteration, raw[row].Length);
            model.PredictRaw(test.Row(row), output);
            for (int k = 0; k < output.Length; k++) Fixtures.AssertClose(raw[row][k], output[k], 1e-12, $"raw row {row} class {k}");
            model.Predict(test.Row(row), output);
            for (int k = 0; k < output.Length; k++) Fixtures.AssertClose(predicted[row][k], output[k], 1e-12, $"prediction row {row} class {k}");
        }
    }

    [Fact]
    public void Header_fields_are_read()
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm("model-multiclass.txt"));
        Assert.Equal(3, model.TreesPerIteration);
        Assert.Equal(ObjectiveKind.Softmax, model.Objective.Kind);
        Assert.Equal(50, model.IterationCount);
        Assert.Equal(new[] { "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7" }, model.FeatureNames);
        Assert.Contains(model.Parameters, p => p.Key == "num_leaves" && p.Value == "15");
        var binary = LightGbmModelReader.Load(Fixtures.LightGbm("model-binary.txt"));
        Assert.Equal(1.0, binary.Objective.Sigmoid);
        Assert.Equal(ObjectiveKind.Sigmoid, binary.Objective.Kind);
    }

    [Fact]
    public void Split_importance_matches_the_file_section()
    {
        // model-binary.txt lists f0=141 f3=113 f6=108 f4=80 f5=78 f2=75 f1=71 f7=34 under feature_importances.
        var model = LightGbmModelReader.Load(Fixtures.LightGbm("model-binary.txt"));
        Assert.Equal(new double[] { 141, 71, 75, 113, 80, 78, 108, 34 }, model.FeatureImportance(FeatureImportanceType.Split));
    }

    [Fact]
    public void Missing_values_follow_the_decision_type()
    {
        // node 0: feature 0 <= 0.5, NaN goes right (missing type NaN); node 1: feature 1 <= 0, zero goes left (type Zero);
        // leaves: 0 (x0 <= .5 and left of node 1), 1, 2.
        var tree = new DecisionTree(
            splitFeature: new[] { 0, 1 }, splitGain: new double[2], threshold: new[] { 0.5, -1.0 },
            decisionType: new[] { DecisionTree.MakeDecisionType(false, MissingType.NaN), DecisionTree.MakeDecisionType(true, MissingType.Zero) },
            leftChild: new[] { 1, ~0 }, rightChild: new[] { ~2, ~1 },
            leafValue: new[] { 10.0, 20.0, 30.0 }, leafWeight: new double[3], leafCount: new[] { 1, 1, 1 },
            internalValue: new double[2], internalWeight: new double[2], internalCount: new[] { 3, 2 }, shrinkage: 1);
        Assert.Equal(30.0, tree.Predict(new[] { double.NaN, 5.0 }));
        Assert.Equal(20.0, tree.Predict(new[] { 0.2, 5.0 }));
        Assert.Equal(10.0, tree.Predict(new[] { 0.2, 0.0 }));       // zero takes the default (left) side although 0 > -1
        Assert.Equal(10.0, tree.Predict(new[] { 0.2, double.NaN })); // NaN is read as zero under missing type Zero
        Assert.Equal(20.0, tree.Predict(new[] { 0.2, 1e-30 }));     // 1e-30 is above kZeroThreshold, compared normally

        var noneType = new DecisionTree(new[] { 0 }, new double[1], new[] { 0.5 }, new[] { DecisionTree.MakeDecisionType(false, MissingType.None) },
            new[] { ~0 }, new[] { ~1 }, new[] { 1.0, 2.0 }, new double[2], new[] { 1, 1 }, new double[1], new double[1], new[] { 2 }, 1);
        Assert.Equal(1.0, noneType.Predict(new[] { double.NaN })); // NaN read as 0.0 <= 0.5 despite default right
    }

    [Fact]
    public void Feature_count_mismatch_is_rejected()
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm("model-binary.txt"));
        var error = Assert.Throws<ArgumentException>(() => model.Predict(new double[7], new double[1]));
        Assert.Contains("7 features", error.Message);
        Assert.Contains("expects 8", error.Message);
    }

    [Fact]
    public void Truncated_model_names_the_problem()
    {
        string text = File.ReadAllText(Fixtures.LightGbm("model-binary.txt"));
        string truncated = text[..text.IndexOf("Tree=3", StringComparison.Ordinal)];
        var error = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(truncated, "m.txt"));
        Assert.Contains("end of trees", error.Message);
        Assert.StartsWith("m.txt:", error.Message);

        string cut = text[..(text.IndexOf("Tree=3", StringComparison.Ordinal) + 60)];
        var error2 = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(cut, "m.txt"));
        Assert.Contains("Tree=3", error2.Message);
    }

    [Fact]
    public void Malformed_fields_name_line_and_field()
    {
        string text = File.ReadAllText(Fixtures.LightGbm("model-binary.txt"));
        string badThreshold = text.Replace("threshold=-0.16950099999999999 ", "threshold=-0.1695x ");
        var error = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(badThreshold, "m.txt"));
        Assert.Contains("m.txt:17:", error.Message);
        Assert.Contains("'threshold'", error.Message);

        string shortLeaves = text.Replace("leaf_count=703 290 65 298 ", "leaf_count=703 290 65 ");
        var error2 = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(shortLeaves, "m.txt"));
        Assert.Contains("m.txt:23:", error2.Message);
        Assert.Contains("expected 15 values, found 14", error2.Message);

        string noLeafValue = text.Replace("leaf_value=-0.1477017545332121", "leaf_valu=-0.1477017545332121");
        var error3 = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(noLeafValue, "m.txt"));
        Assert.Contains("missing field 'leaf_value'", error3.Message);

        string badObjective = text.Replace("objective=binary sigmoid:1", "objective=lambdarank");
        var error4 = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(badObjective, "m.txt"));
        Assert.Contains("m.txt:7:", error4.Message);

        string forest = text.Replace("objective=binary sigmoid:1\n", "objective=binary sigmoid:1\naverage_output\n");
        var error6 = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(forest, "m.txt"));
        Assert.Contains("m.txt:8:", error6.Message);
        Assert.Contains("average_output", error6.Message);

        string wrongSize = text.Replace("tree_sizes=1720 ", "tree_sizes=1721 ");
        var error7 = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(wrongSize, "m.txt"));
        Assert.Contains("m.txt:10:", error7.Message);
        Assert.Contains("entry 0 says 1721 bytes but the Tree=0 block spans 1720", error7.Message);

        string badChild = text.Replace("left_child=2 3 8 6 13 11 -2 -6 -1 -10 12 -3 -5 -4", "left_child=2 3 8 6 13 11 -2 -6 -1 -10 12 -3 -5 -40");
        var error5 = Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(badChild, "m.txt"));
        Assert.Contains("Tree=0", error5.Message);
        Assert.Contains("leaf 39", error5.Message);
    }

    [Fact]
    public void Batch_prediction_matches_LightGBM_and_single_rows_allocate_nothing()
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm("model-multiclass.txt"));
        var test = Fixtures.ReadCsv("test-multiclass.csv");
        var expected = Fixtures.ReadTable("predict-multiclass.txt");
        var all = model.PredictAll(test);
        for (int r = 0; r < test.RowCount; r++)
        {
            for (int k = 0; k < 3; k++) Fixtures.AssertClose(expected[r][k], all[r * 3 + k], 1e-12, $"row {r} class {k}");
        }

        var output = new double[3];
        model.Predict(test.Row(0), output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < test.RowCount; r++) model.Predict(test.Row(r), output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        var renamed = new Pipelines.Learning.Data.DenseDataset(test.Values.ToArray(), test.RowCount, new[] { "a", "b", "c", "d", "e", "f", "g", "h" }, null);
        Assert.Throws<ArgumentException>(() => model.PredictAll(renamed));
    }
}
