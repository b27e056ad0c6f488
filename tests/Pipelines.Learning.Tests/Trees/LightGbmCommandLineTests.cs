using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Trees;

public sealed class LightGbmCommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gbdt-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void Predict_writes_LightGBMs_predict_layout(string kind)
    {
        string model = Fixtures.LightGbm($"model-{kind}.txt");
        string data = Fixtures.LightGbm($"test-{kind}.csv");
        foreach (var (file, raw, contrib, tolerance) in new[] { ($"predict-{kind}.txt", false, false, 1e-12), ($"raw-{kind}.txt", true, false, 1e-12), ($"contrib-{kind}.txt", false, true, 1e-9) })
        {
            string output = Path.Combine(_directory, file);
            Assert.Equal(1000, LightGbmCommandLine.Predict(model, data, output, raw, contrib));
            var expected = Fixtures.ReadTable(file);
            var actual = File.ReadAllLines(output).Select(l => l.Split('\t').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int r = 0; r < expected.Length; r++)
            {
                Assert.Equal(expected[r].Length, actual[r].Length);
                for (int i = 0; i < expected[r].Length; i++) Fixtures.AssertClose(expected[r][i], actual[r][i], tolerance, $"{file} row {r} value {i}");
            }
        }
    }

    [Fact]
    public void Train_saves_LightGBMs_model_text_which_our_reader_scores_as_LightGBM_does()
    {
        string modelPath = Path.Combine(_directory, "model.txt");
        var log = new StringWriter();
        var parameters = new Dictionary<string, string> { ["num_trees"] = "30", ["num_leaves"] = "7", ["early_stopping_rounds"] = "5", ["seed"] = "3" };
        var (iterations, perIteration) = LightGbmCommandLine.Train(Fixtures.LightGbm("train-multiclass.csv"), "label", "multiclass", parameters,
            Fixtures.LightGbm("test-multiclass.csv"), modelPath, log);
        Assert.Contains("Saved the model", log.ToString());
        Assert.Equal(3, perIteration);
        var text = File.ReadAllText(modelPath);
        Assert.StartsWith("tree\nversion=v4\nnum_class=3\n", text);
        var loaded = LightGbmModelReader.Load(modelPath);
        Assert.Equal(iterations * 3, loaded.Trees.Count);

        // LightGBM is the oracle for its own model: train the same rows in memory and let it predict.
        var train = Fixtures.ReadCsv("train-multiclass.csv");
        var test = Fixtures.ReadCsv("test-multiclass.csv");
        using var booster = LightGbmTrainer.Train(train, test, LightGbmParameters.From(parameters).With("objective", "multiclass").With("num_class", "3"));
        Assert.Equal(text, booster.ModelText());
        var theirs = booster.Predict(test);

        string predictions = Path.Combine(_directory, "predictions.txt");
        LightGbmCommandLine.Predict(modelPath, Fixtures.LightGbm("test-multiclass.csv"), predictions, rawScore: false, contrib: false);
        var lines = File.ReadAllLines(predictions);
        for (int r = 0; r < test.RowCount; r++)
        {
            var actual = lines[r].Split('\t').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            for (int c = 0; c < 3; c++) Fixtures.AssertClose(theirs[r * 3 + c], actual[c], 1e-12, $"row {r} class {c}");
        }
    }

    [Theory]
    [InlineData("regression", "linear_tree", "true", "is_linear=1")]
    [InlineData("quantile", "alpha", "0.9", "objective=quantile")]
    [InlineData("huber", "alpha", "0.5", "objective=huber")]
    public void Train_takes_any_LightGBM_objective_and_parameter(string objective, string name, string value, string expected)
    {
        string modelPath = Path.Combine(_directory, $"{objective}.txt");
        LightGbmCommandLine.Train(Fixtures.LightGbm("train-regression.csv"), "label", objective,
            new Dictionary<string, string> { [name] = value, ["num_iterations"] = "5" }, null, modelPath, TextWriter.Null);
        Assert.Contains(expected + "\n", File.ReadAllText(modelPath));
    }

    [Fact]
    public void A_misspelt_parameter_is_refused_before_anything_trains()
    {
        string modelPath = Path.Combine(_directory, "model.txt");
        var error = Assert.Throws<ArgumentException>(() => LightGbmCommandLine.Train(Fixtures.LightGbm("train-binary.csv"), "label", "binary",
            new Dictionary<string, string> { ["num_leafs"] = "31" }, null, modelPath, TextWriter.Null));
        Assert.Contains("did you mean 'num_leaves'?", error.Message);
        Assert.False(File.Exists(modelPath));
    }

    [Fact]
    public void An_objective_given_twice_and_missing_columns_are_reported()
    {
        string modelPath = Path.Combine(_directory, "model.txt");
        var conflict = Assert.Throws<ArgumentException>(() => LightGbmCommandLine.Train(Fixtures.LightGbm("train-binary.csv"), "label", "binary",
            new Dictionary<string, string> { ["objective"] = "regression" }, null, modelPath, TextWriter.Null));
        Assert.Contains("--objective", conflict.Message);
        var noLabel = Assert.Throws<FormatException>(() => LightGbmCommandLine.Train(Fixtures.LightGbm("train-binary.csv"), "target", "binary",
            new Dictionary<string, string>(), null, modelPath, TextWriter.Null));
        Assert.Contains("'target'", noLabel.Message);
        Assert.Throws<ArgumentException>(() => LightGbmCommandLine.Predict(Fixtures.LightGbm("model-binary.txt"), Fixtures.LightGbm("test-binary.csv"),
            Path.Combine(_directory, "p.txt"), rawScore: true, contrib: true));
    }

    [Fact]
    public void Feature_names_with_spaces_survive_training_saving_and_prediction()
    {
        string data = Path.Combine(_directory, "spaced.csv");
        var lines = new List<string> { "label,Volume USDT,close" };
        for (int i = 0; i < 200; i++) lines.Add($"{(i % 2 == 0 ? 1 : 0)},{(i % 2 == 0 ? 10 + i % 7 : i % 7)},{i % 13}");
        File.WriteAllLines(data, lines);
        string modelPath = Path.Combine(_directory, "spaced-model.txt");
        LightGbmCommandLine.Train(data, "label", "binary", new Dictionary<string, string> { ["num_iterations"] = "5", ["min_data_in_leaf"] = "5" }, null, modelPath, TextWriter.Null);
        Assert.Equal(new[] { "Volume_USDT", "close" }, LightGbmModelReader.Load(modelPath).FeatureNames);
        Assert.Contains("feature_names=Volume_USDT close\n", File.ReadAllText(modelPath));

        string output = Path.Combine(_directory, "spaced-predictions.txt");
        Assert.Equal(200, LightGbmCommandLine.Predict(modelPath, data, output, rawScore: false, contrib: false));
        var predictions = File.ReadAllLines(output).Select(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(predictions[0] > 0.5 && predictions[1] < 0.5, $"{predictions[0]} {predictions[1]}");
    }

    [Fact]
    public void Names_the_model_format_cannot_hold_are_rejected()
    {
        var data = new Pipelines.Learning.Data.DenseDataset(new double[] { 1, 2, 3, 4 }, 4, new[] { "a:b" }, new double[] { 0, 1, 0, 1 });
        var error = Assert.Throws<ArgumentException>(() => LightGbmTrainer.Train(data, null, LightGbmParameters.From(new Dictionary<string, string> { ["objective"] = "binary" })));
        Assert.Contains("'a:b'", error.Message);

        var tree = new DecisionTree(Array.Empty<int>(), Array.Empty<double>(), Array.Empty<double>(), Array.Empty<byte>(), Array.Empty<int>(), Array.Empty<int>(),
            new[] { 1.0 }, new[] { 1.0 }, new[] { 1 }, Array.Empty<double>(), Array.Empty<double>(), Array.Empty<int>(), 1);
        var model = new TreeEnsembleModel(new[] { tree }, ModelObjective.Regression(), new[] { "two words" });
        var writeError = Assert.Throws<ArgumentException>(() => LightGbmModelWriter.ToText(model));
        Assert.Contains("'two words'", writeError.Message);
    }
}
