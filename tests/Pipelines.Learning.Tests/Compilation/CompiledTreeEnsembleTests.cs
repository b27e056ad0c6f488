using Pipelines.Learning.Compilation;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Tests.Trees;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Compilation;

public sealed class CompiledTreeEnsembleTests
{
    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void LightGBM_fixture_models_predict_bit_for_bit_like_the_interpreter(string kind)
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm($"model-{kind}.txt"));
        var test = Fixtures.ReadCsv($"test-{kind}.csv");
        var rows = Enumerable.Range(0, test.RowCount).Select(r => test.Row(r).ToArray())
            .Concat(SplitProbingRows.Create(model, 3000, seed: 11));
        AssertIdentical(model, rows);
    }

    [Theory]
    [InlineData(SyntheticTask.Binary, "binary", 1)]
    [InlineData(SyntheticTask.Regression, "regression", 1)]
    [InlineData(SyntheticTask.Multiclass, "multiclass", 3)]
    [InlineData(SyntheticTask.Regression, "huber", 1)]
    public void Freshly_trained_models_predict_bit_for_bit_like_the_interpreter(SyntheticTask task, string objective, int classes)
    {
        var train = SyntheticDataGenerator.Generate(task, rowCount: 2000, featureCount: 8, seed: 5);
        var model = LightGbmTrainer.TrainEnsemble(train, new Dictionary<string, string>
        {
            ["objective"] = objective, ["num_class"] = $"{classes}", ["num_iterations"] = "30", ["num_leaves"] = "15", ["seed"] = "3",
        });
        AssertIdentical(model, SplitProbingRows.Create(model, 3000, seed: 12));
    }

    [Theory]
    [InlineData("binary sigmoid:2.5", 1)]
    [InlineData("regression", 1)]
    [InlineData("poisson", 1)]
    [InlineData("multiclass num_class:4", 4)]
    [InlineData("multiclassova num_class:3", 3)]
    public void Random_ensembles_with_every_missing_type_predict_bit_for_bit_like_the_interpreter(string objective, int outputs)
    {
        // 60 iterations of 31-leaf trees: several emitted methods, and splits of all three missing types.
        var random = new Random(objective.Length);
        const int features = 7;
        var trees = Enumerable.Range(0, 60 * outputs).Select(_ => RandomTrees.Create(random, features, leaves: 1 + random.Next(31))).ToArray();
        var model = new TreeEnsembleModel(trees, ModelObjective.Parse(objective), Enumerable.Range(0, features).Select(f => $"f{f}").ToArray());
        AssertIdentical(model, SplitProbingRows.Create(model, 4000, seed: 13));
    }

    [Fact]
    public void An_empty_ensemble_scores_zero_and_single_leaf_trees_add_their_value()
    {
        var names = new[] { "a" };
        var empty = CompiledTreeEnsemble.Compile(new TreeEnsembleModel(Array.Empty<DecisionTree>(), ModelObjective.Regression(), names));
        var output = new[] { 42.0 };
        empty.PredictRaw(new[] { 1.0 }, output);
        Assert.Equal(0.0, output[0]);

        // Two one-leaf trees of 0.25 and -1.5: raw -1.25, sigmoid 1 / (1 + e^1.25) = 0.22270013882530884.
        DecisionTree Leaf(double value) => new(Array.Empty<int>(), Array.Empty<double>(), Array.Empty<double>(), Array.Empty<byte>(),
            Array.Empty<int>(), Array.Empty<int>(), new[] { value }, new double[1], new[] { 1 }, Array.Empty<double>(), Array.Empty<double>(),
            Array.Empty<int>(), 1.0);
        var binary = CompiledTreeEnsemble.Compile(new TreeEnsembleModel(new[] { Leaf(0.25), Leaf(-1.5) }, ModelObjective.Binary(), names));
        binary.PredictRaw(new[] { double.NaN }, output);
        Assert.Equal(-1.25, output[0]);
        Assert.Equal(0.22270013882530884, binary.PredictSingle(new[] { 3.0 }), 15);
    }

    [Fact]
    public void Predictions_allocate_nothing()
    {
        var model = LightGbmModelReader.Load(Fixtures.LightGbm("model-multiclass.txt"));
        var compiled = CompiledTreeEnsemble.Compile(model);
        var rows = SplitProbingRows.Create(model, 64, seed: 14);
        var output = new double[compiled.OutputCount];
        foreach (var row in rows) compiled.Predict(row, output);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            compiled.Predict(rows[i % rows.Length], output);
            compiled.PredictRaw(rows[i % rows.Length], output);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Rows_of_the_wrong_width_and_short_outputs_are_rejected_with_the_expected_sizes()
    {
        var compiled = CompiledTreeEnsemble.Compile(LightGbmModelReader.Load(Fixtures.LightGbm("model-multiclass.txt")));
        var wide = Assert.Throws<ArgumentException>(() => compiled.Predict(new double[9], new double[3]));
        Assert.Contains("9 features", wide.Message);
        Assert.Contains("expects 8", wide.Message);
        var narrow = Assert.Throws<ArgumentException>(() => compiled.PredictRaw(new double[8], new double[2]));
        Assert.Contains("produces 3", narrow.Message);
        Assert.Throws<InvalidOperationException>(() => compiled.PredictSingle(new double[8]));
    }

    private static void AssertIdentical(TreeEnsembleModel model, IEnumerable<double[]> rows)
    {
        var compiled = CompiledTreeEnsemble.Compile(model);
        Assert.Equal(model.TreesPerIteration, compiled.OutputCount);
        int outputs = model.TreesPerIteration;
        var expected = new double[outputs];
        var actual = new double[outputs];
        int checkedRows = 0;
        foreach (var row in rows)
        {
            model.PredictRaw(row, expected);
            compiled.PredictRaw(row, actual);
            AssertSameBits(expected, actual, row, "raw");
            model.Predict(row, expected);
            compiled.Predict(row, actual);
            AssertSameBits(expected, actual, row, "prediction");
            checkedRows++;
        }
        Assert.True(checkedRows > 1000, $"only {checkedRows} rows were compared");
    }

    private static void AssertSameBits(double[] expected, double[] actual, double[] row, string what)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[k]) != BitConverter.DoubleToInt64Bits(actual[k]))
                Assert.Fail($"{what} {k}: interpreted {expected[k]:R}, compiled {actual[k]:R} for row [{string.Join(", ", row.Select(v => v.ToString("R")))}]");
        }
    }
}
