using System.Text;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Tests.Trees;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.LightGbm;

public sealed class LightGbmTrainerTests
{
    // The fixtures README's settings, under which LightGBM's command-line program wrote model-K.txt and predict-K.txt.
    private static LightGbmParameters FixtureSettings(string objective, params (string Name, string Value)[] more) => LightGbmParameters.From(
        new Dictionary<string, string>
        {
            ["objective"] = objective, ["num_iterations"] = "50", ["num_leaves"] = "15", ["learning_rate"] = "0.1",
            ["min_data_in_leaf"] = "20", ["max_bin"] = "255", ["seed"] = "1", ["num_threads"] = "1",
        }.Concat(more.Select(m => new KeyValuePair<string, string>(m.Name, m.Value))));

    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void Training_the_fixture_rows_reproduces_LightGBMs_own_predictions(string objective)
    {
        var train = Fixtures.ReadCsv($"train-{objective}.csv");
        var test = Fixtures.ReadCsv($"test-{objective}.csv");
        var settings = objective == "multiclass" ? FixtureSettings(objective, ("num_class", "3")) : FixtureSettings(objective);
        using var booster = LightGbmTrainer.Train(train, null, settings);
        var expected = Fixtures.ReadTable($"predict-{objective}.txt");
        var predicted = booster.Predict(test);
        for (var r = 0; r < test.RowCount; r++)
        {
            for (var c = 0; c < booster.Outputs; c++) Fixtures.AssertClose(expected[r][c], predicted[r * booster.Outputs + c], 1e-9, $"row {r} class {c}");
        }
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("huber")]
    [InlineData("quantile")]
    [InlineData("poisson")]
    [InlineData("multiclassova")]
    public void Our_reader_scores_a_freshly_trained_model_as_LightGBM_does(string objective)
    {
        var kind = objective is "binary" ? "binary" : objective is "multiclassova" ? "multiclass" : "regression";
        var train = Fixtures.ReadCsv($"train-{kind}.csv");
        if (objective == "poisson") train = new DenseDataset(train.Values.ToArray(), train.RowCount, train.FeatureNames, train.RequireLabels().Select(Math.Abs).ToArray());
        var test = Fixtures.ReadCsv($"test-{kind}.csv");
        var settings = kind == "multiclass" ? FixtureSettings(objective, ("num_class", "3")) : FixtureSettings(objective, ("alpha", "0.9"));
        using var booster = LightGbmTrainer.Train(train, null, settings);
        var model = LightGbmModelReader.Parse(booster.ModelText());
        var theirs = booster.Predict(test);
        var ours = new double[booster.Outputs];
        for (var r = 0; r < test.RowCount; r++)
        {
            model.Predict(test.Row(r), ours);
            for (var c = 0; c < ours.Length; c++) Fixtures.AssertClose(theirs[r * ours.Length + c], ours[c], 1e-12, $"row {r} class {c}");
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_model_text_byte_for_byte()
    {
        var train = Fixtures.ReadCsv("train-binary.csv");
        string Text(string seed, string threads)
        {
            using var booster = LightGbmTrainer.Train(train, null, FixtureSettings("binary", ("bagging_fraction", "0.7"), ("bagging_freq", "1"),
                ("feature_fraction", "0.6")).With("seed", seed).With("num_threads", threads));
            return booster.ModelText();
        }
        var first = Text("5", "2");
        Assert.Equal(first, Text("5", "2"));
        Assert.NotEqual(first, Text("6", "2"));
    }

    [Fact]
    public void A_run_is_deterministic_on_every_core_unless_told_otherwise()
    {
        var run = LightGbmTrainer.ForRun(LightGbmParameters.From(new Dictionary<string, string> { ["verbose"] = "1" }));
        Assert.Equal("true", run.Get("deterministic"));
        Assert.Equal(Environment.ProcessorCount.ToString(), run.Get("num_threads"));
        Assert.Equal("1", run.Get("verbosity"));
        Assert.Equal("true", run.Get("force_col_wise"));
        var threads = LightGbmTrainer.ForRun(LightGbmParameters.From(new Dictionary<string, string> { ["n_jobs"] = "1", ["force_row_wise"] = "true" }));
        Assert.Equal("1", threads.Get("num_threads"));
        Assert.Null(threads.Get("force_col_wise"));
    }

    [Fact]
    public void Early_stopping_keeps_the_iteration_best_on_the_validation_rows()
    {
        var all = Fixtures.ReadCsv("train-regression.csv");
        var train = Slice(all, 0, 1000);
        var valid = Slice(all, 1000, 1000);
        var settings = LightGbmParameters.From(new Dictionary<string, string>
        {
            ["objective"] = "regression", ["num_iterations"] = "1000", ["learning_rate"] = "0.5", ["min_data_in_leaf"] = "5", ["early_stopping_rounds"] = "10",
        });
        using var booster = LightGbmTrainer.Train(train, valid, settings);
        Assert.InRange(booster.Iterations, 1, 200);
        var model = LightGbmModelReader.Parse(booster.ModelText());
        Assert.Equal(booster.Iterations, model.Trees.Count);

        // The kept model is the best on the validation rows: its prefixes of up to ten fewer trees are all worse.
        double Mse(TreeEnsembleModel m) => Enumerable.Range(0, valid.RowCount).Average(r =>
        {
            var o = new double[1];
            m.Predict(valid.Row(r), o);
            return (o[0] - valid.RequireLabels()[r]) * (o[0] - valid.RequireLabels()[r]);
        });
        var best = Mse(model);
        for (var fewer = 1; fewer <= Math.Min(10, model.Trees.Count - 1); fewer++)
            Assert.True(best < Mse(new TreeEnsembleModel(model.Trees.Take(model.Trees.Count - fewer).ToArray(), model.Objective, model.FeatureNames)));
    }

    [Fact]
    public void Early_stopping_without_validation_rows_is_refused()
    {
        var train = Fixtures.ReadCsv("train-regression.csv");
        var error = Assert.Throws<ArgumentException>(() => LightGbmTrainer.Train(train, null, FixtureSettings("regression", ("early_stopping_round", "5"))));
        Assert.Contains("early_stopping_round", error.Message);
    }

    [Fact]
    public void A_misspelt_parameter_is_refused_naming_the_parameter_meant()
    {
        var error = Assert.Throws<ArgumentException>(() => LightGbmParameters.From(new Dictionary<string, string> { ["num_leafs"] = "31" }));
        Assert.Equal("'num_leafs' is not a LightGBM parameter; did you mean 'num_leaves'?", error.Message);
        Assert.Equal("learning_rate", LightGbmParameterNames.Nearest("learning_rat"));
        Assert.Equal("num_leaves", LightGbmParameterNames.Canonical("max_leaves"));
    }

    [Fact]
    public void A_parameter_given_under_two_of_its_names_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LightGbmParameters.From(new Dictionary<string, string> { ["num_trees"] = "5", ["n_estimators"] = "6" }));
        Assert.Contains("'num_iterations' is given twice, as 'num_trees' and as 'n_estimators'", error.Message);
    }

    [Fact]
    public void A_value_LightGBM_rejects_comes_back_with_LightGBMs_own_message()
    {
        var train = Fixtures.ReadCsv("train-binary.csv");
        var error = Assert.Throws<LightGbmException>(() => LightGbmTrainer.Train(train, null, FixtureSettings("binary", ("bagging_fraction", "1.5"))));
        Assert.StartsWith("LightGBM LGBM_", error.Message);
        Assert.Contains("bagging_fraction", error.Message);
        var objective = Assert.Throws<LightGbmException>(() => LightGbmTrainer.Train(train, null, FixtureSettings("binaryy")));
        Assert.Contains("binaryy", objective.Message);
    }

    [Fact]
    public void Labels_that_are_not_numbers_are_refused_naming_the_row()
    {
        var data = new DenseDataset([1, 2, 3], 3, ["x"], [0, double.NaN, 1]);
        var error = Assert.Throws<ArgumentException>(() => LightGbmTrainer.Train(data, null, FixtureSettings("binary")));
        Assert.Contains("label of row 1 is NaN", error.Message);
    }

    [Fact]
    public void Models_with_linear_leaves_or_categorical_splits_are_refused_by_our_reader_rather_than_misread()
    {
        var train = Fixtures.ReadCsv("train-regression.csv");
        using (var linear = LightGbmTrainer.Train(train, null, FixtureSettings("regression", ("linear_tree", "true"))))
        {
            var text = linear.ModelText();
            Assert.Contains("is_linear=1", text);
            Assert.Contains("linear trees are not supported", Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(text)).Message);
        }
        var rounded = new DenseDataset(train.Values.ToArray().Select((v, i) => i % train.FeatureCount == 0 && double.IsFinite(v) ? Math.Round((v + 1) * 3) : v).ToArray(),
            train.RowCount, train.FeatureNames, train.RequireLabels());
        using var categorical = LightGbmTrainer.Train(rounded, null, FixtureSettings("regression", ("categorical_feature", "0")));
        Assert.Contains("categorical", Assert.Throws<ModelFormatException>(() => LightGbmModelReader.Parse(categorical.ModelText())).Message);
    }

    [Fact]
    public void Importances_are_LightGBMs_and_rank_the_informative_feature_first()
    {
        var train = Fixtures.ReadCsv("train-binary.csv");
        using var booster = LightGbmTrainer.Train(train, null, FixtureSettings("binary"));
        var gain = booster.FeatureImportance(gain: true);
        var splits = booster.FeatureImportance(gain: false);
        // The generator's score is 2*f0 + ... while f7 does not enter it at all.
        Assert.Equal(0, Array.IndexOf(gain, gain.Max()));
        Assert.True(gain[7] < gain[0] / 20);
        var model = LightGbmModelReader.Parse(booster.ModelText());
        Assert.Equal(model.FeatureImportance(FeatureImportanceType.Split), splits);
    }

    private static DenseDataset Slice(DenseDataset data, int start, int count) =>
        new(data.Values.Slice(start * data.FeatureCount, count * data.FeatureCount).ToArray(), count, data.FeatureNames, data.RequireLabels()[start..(start + count)]);
}
