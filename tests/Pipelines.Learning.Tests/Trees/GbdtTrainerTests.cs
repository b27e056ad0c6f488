using Pipelines.Learning.Data;
using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Trees;

public sealed class GbdtTrainerTests
{
    // The fixtures README's LightGBM settings.
    private static GbdtParameters FixtureSettings(TrainingObjective objective, int classes = 1) => new()
    {
        Objective = objective,
        NumClass = classes,
        NumIterations = 50,
        NumLeaves = 15,
        LearningRate = 0.1,
        MinDataInLeaf = 20,
        MaxBin = 255,
        Seed = 1,
    };

    private static double[][] PredictAll(TreeEnsembleModel model, DenseDataset data)
    {
        var result = new double[data.RowCount][];
        for (int r = 0; r < data.RowCount; r++)
        {
            result[r] = new double[model.TreesPerIteration];
            model.Predict(data.Row(r), result[r]);
        }
        return result;
    }

    [Fact]
    public void Binary_model_is_as_accurate_as_LightGBM_on_the_same_data()
    {
        var train = Fixtures.ReadCsv("train-binary.csv");
        var test = Fixtures.ReadCsv("test-binary.csv");
        var model = new GbdtTrainer(FixtureSettings(TrainingObjective.Binary)).Train(train);
        var ours = PredictAll(model, test).Select(p => p[0]).ToArray();
        var theirs = Fixtures.ReadTable("predict-binary.txt").Select(p => p[0]).ToArray();
        var labels = test.RequireLabels();
        double ourAuc = Metrics.Auc(labels, ours);
        double lightGbmAuc = Metrics.Auc(labels, theirs);
        Assert.True(ourAuc >= lightGbmAuc - 0.005, $"AUC {ourAuc} vs LightGBM {lightGbmAuc}");
        double ourLoss = Metrics.LogLoss(labels, ours);
        double lightGbmLoss = Metrics.LogLoss(labels, theirs);
        Assert.True(ourLoss <= lightGbmLoss + 0.005, $"log loss {ourLoss} vs LightGBM {lightGbmLoss}");
    }

    [Fact]
    public void Regression_model_is_as_accurate_as_LightGBM_on_the_same_data()
    {
        var train = Fixtures.ReadCsv("train-regression.csv");
        var test = Fixtures.ReadCsv("test-regression.csv");
        var model = new GbdtTrainer(FixtureSettings(TrainingObjective.Regression)).Train(train);
        var labels = test.RequireLabels();
        double ours = Metrics.Rmse(labels, PredictAll(model, test).Select(p => p[0]).ToArray());
        double theirs = Metrics.Rmse(labels, Fixtures.ReadTable("predict-regression.txt").Select(p => p[0]).ToArray());
        Assert.True(ours <= theirs * 1.02, $"RMSE {ours} vs LightGBM {theirs}");
    }

    [Fact]
    public void Multiclass_model_is_as_accurate_as_LightGBM_on_the_same_data()
    {
        var train = Fixtures.ReadCsv("train-multiclass.csv");
        var test = Fixtures.ReadCsv("test-multiclass.csv");
        var model = new GbdtTrainer(FixtureSettings(TrainingObjective.Multiclass, 3)).Train(train);
        Assert.Equal(150, model.Trees.Count);
        var labels = test.RequireLabels();
        double ours = Metrics.MultiLogLoss(labels, PredictAll(model, test));
        double theirs = Metrics.MultiLogLoss(labels, Fixtures.ReadTable("predict-multiclass.txt"));
        Assert.True(ours <= theirs + 0.01, $"multi log loss {ours} vs LightGBM {theirs}");
    }

    [Fact]
    public void Same_seed_gives_the_same_model_whatever_the_thread_count()
    {
        var train = Fixtures.ReadCsv("train-binary.csv");
        var settings = FixtureSettings(TrainingObjective.Binary) with { NumIterations = 15, BaggingFraction = 0.7, BaggingFreq = 2, FeatureFraction = 0.6, Seed = 5 };
        var model = new GbdtTrainer(settings with { NumThreads = 1 }).Train(train);
        // Bagging grows each tree on 70% of the 5,000 rows; feature fraction lets a tree use round(0.6 * 8) = 5 features.
        Assert.All(model.Trees, t => Assert.Equal(3500, t.InternalCount[0]));
        Assert.All(model.Trees, t => Assert.True(t.SplitFeature.ToArray().Distinct().Count() <= 5));
        string first = LightGbmModelWriter.ToText(model);
        string second = LightGbmModelWriter.ToText(new GbdtTrainer(settings with { NumThreads = 2 }).Train(train));
        Assert.Equal(first, second);
        string otherSeed = LightGbmModelWriter.ToText(new GbdtTrainer(settings with { Seed = 6 }).Train(train));
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_iteration()
    {
        var all = Fixtures.ReadCsv("train-regression.csv");
        var train = Slice(all, 0, 1000);
        var valid = Slice(all, 1000, 1000);
        var log = new StringWriter();
        var settings = new GbdtParameters { NumIterations = 1000, LearningRate = 0.5, NumLeaves = 31, MinDataInLeaf = 5, EarlyStoppingRound = 10 };
        var trainer = new GbdtTrainer(settings);
        var model = trainer.Train(train, valid, log);
        Assert.True(model.IterationCount < 200, $"kept {model.IterationCount} iterations");
        Assert.Equal(trainer.BestIteration, model.IterationCount);
        Assert.Contains("Early stopping", log.ToString());

        // The kept model is the best on the validation set: one more or one fewer iteration is no better.
        double Mse(TreeEnsembleModel m) => Enumerable.Range(0, valid.RowCount).Average(r =>
        {
            var o = new double[1];
            m.Predict(valid.Row(r), o);
            return (o[0] - valid.RequireLabels()[r]) * (o[0] - valid.RequireLabels()[r]);
        });
        var shorter = new TreeEnsembleModel(model.Trees.Take(model.Trees.Count - 1).ToArray(), model.Objective, model.FeatureNames);
        Assert.True(Mse(model) < Mse(shorter));
    }

    [Fact]
    public void Saved_model_reloads_with_identical_predictions()
    {
        var train = Fixtures.ReadCsv("train-multiclass.csv");
        var test = Fixtures.ReadCsv("test-multiclass.csv");
        var model = new GbdtTrainer(FixtureSettings(TrainingObjective.Multiclass, 3) with { NumIterations = 10 }).Train(train);
        string text = LightGbmModelWriter.ToText(model);
        var reloaded = LightGbmModelReader.Parse(text); // the reader also checks every tree_sizes entry against its block
        Assert.Equal(text, LightGbmModelWriter.ToText(reloaded));
        var a = new double[3];
        var b = new double[3];
        for (int r = 0; r < test.RowCount; r++)
        {
            model.PredictRaw(test.Row(r), a);
            reloaded.PredictRaw(test.Row(r), b);
            Assert.Equal(a, b);
        }
        Assert.Contains("objective=multiclass num_class:3\n", text);
        Assert.Contains("feature_infos=[-0.99995600000000005:0.999247] ".Replace("-0.99995600000000005", "-0.999956"), text);
        Assert.Contains("\nend of trees\n\nfeature_importances:\n", text);
        Assert.EndsWith("end of parameters\n", text);
    }

    [Fact]
    public void LightGBM_models_round_trip_through_the_writer()
    {
        var original = LightGbmModelReader.Load(Fixtures.LightGbm("model-binary.txt"));
        var copy = LightGbmModelReader.Parse(LightGbmModelWriter.ToText(original));
        var test = Fixtures.ReadCsv("test-binary.csv");
        var raw = Fixtures.ReadTable("raw-binary.txt");
        var output = new double[1];
        for (int r = 0; r < test.RowCount; r++)
        {
            copy.PredictRaw(test.Row(r), output);
            Fixtures.AssertClose(raw[r][0], output[0], 1e-12, $"row {r}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Missing_values_go_to_the_side_the_data_favours(bool missingLikeHighValues)
    {
        // y = 1 for x > 0.3 else 0; rows with x missing have y = 1 (or 0), so NaN belongs with the high (or low) side.
        var random = new Random(3);
        int rows = 2000;
        var values = new double[rows];
        var labels = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            bool missing = r % 5 == 0;
            values[r] = missing ? double.NaN : random.NextDouble() * 2 - 1;
            labels[r] = missing ? (missingLikeHighValues ? 1 : 0) : values[r] > 0.3 ? 1 : 0;
        }
        var data = new DenseDataset(values, rows, new[] { "x" }, labels);
        var model = new GbdtTrainer(new GbdtParameters { NumIterations = 20, NumLeaves = 2 }).Train(data);
        var root = model.Trees[0];
        Assert.Equal(MissingType.NaN, DecisionTree.GetMissingType(root.DecisionType[0]));
        Assert.Equal(!missingLikeHighValues, (root.DecisionType[0] & DecisionTree.DefaultLeftMask) != 0);
        Assert.InRange(root.Threshold[0], 0.25, 0.35);
        var nan = new double[1];
        var side = new double[1];
        model.Predict(new[] { double.NaN }, nan);
        model.Predict(new[] { missingLikeHighValues ? 0.9 : -0.9 }, side);
        Assert.Equal(side[0], nan[0], 12);
    }

    [Fact]
    public void Constant_regression_target_gives_a_constant_model()
    {
        var values = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        var data = new DenseDataset(values, 100, new[] { "x" }, Enumerable.Repeat(0.1, 100).ToArray());
        var model = new GbdtTrainer(new GbdtParameters { NumIterations = 10 }).Train(data);
        Assert.Single(model.Trees);
        Assert.Equal(1, model.Trees[0].NumLeaves);
        var output = new double[1];
        model.Predict(new[] { 42.0 }, output);
        Assert.Equal(0.1, output[0], 12);
    }

    [Fact]
    public void Bad_training_data_is_rejected_with_a_reason()
    {
        var names = new[] { "x" };
        var trainer = new GbdtTrainer(new GbdtParameters { Objective = TrainingObjective.Binary });
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => trainer.Train(new DenseDataset(Array.Empty<double>(), 0, names, Array.Empty<double>()))).Message);
        Assert.Contains("both classes", Assert.Throws<ArgumentException>(() => trainer.Train(new DenseDataset(new double[] { 1, 2, 3 }, 3, names, new double[] { 1, 1, 1 }))).Message);
        Assert.Contains("row 2", Assert.Throws<ArgumentException>(() => trainer.Train(new DenseDataset(new double[] { 1, 2, 3 }, 3, names, new[] { 0, double.NaN, 1 }))).Message);
        Assert.Contains("row 3", Assert.Throws<ArgumentException>(() => trainer.Train(new DenseDataset(new double[] { 1, 2, 3 }, 3, names, new double[] { 0, 1, 2 }))).Message);
        var multiclass = new GbdtTrainer(new GbdtParameters { Objective = TrainingObjective.Multiclass, NumClass = 3 });
        Assert.Contains("0..2", Assert.Throws<ArgumentException>(() => multiclass.Train(new DenseDataset(new double[] { 1, 2, 3 }, 3, names, new double[] { 0, 1, 3 }))).Message);
        Assert.Contains("row 2 is Infinity; labels must be finite", Assert.Throws<ArgumentException>(() => new GbdtTrainer(new GbdtParameters()).Train(new DenseDataset(new double[] { 1, 2 }, 2, names, new[] { 0, double.PositiveInfinity }))).Message);
        Assert.Throws<ArgumentException>(() => new GbdtTrainer(new GbdtParameters { Objective = TrainingObjective.Multiclass, NumClass = 1 }));
    }

    [Fact]
    public void Parameters_parse_LightGBM_names_and_aliases()
    {
        var p = GbdtParameters.Parse(new Dictionary<string, string>
        {
            ["objective"] = "multiclass", ["num_class"] = "4", ["n_estimators"] = "7", ["eta"] = "0.05", ["num_leaves"] = "9",
            ["min_child_samples"] = "3", ["reg_alpha"] = "0.5", ["reg_lambda"] = "2", ["colsample_bytree"] = "0.8",
            ["subsample"] = "0.9", ["subsample_freq"] = "1", ["early_stopping_rounds"] = "5", ["max_depth"] = "4", ["max_bin"] = "63",
        });
        Assert.Equal(TrainingObjective.Multiclass, p.Objective);
        Assert.Equal(4, p.NumClass);
        Assert.Equal(7, p.NumIterations);
        Assert.Equal(0.05, p.LearningRate);
        Assert.Equal(9, p.NumLeaves);
        Assert.Equal(3, p.MinDataInLeaf);
        Assert.Equal(0.5, p.LambdaL1);
        Assert.Equal(2, p.LambdaL2);
        Assert.Equal(0.8, p.FeatureFraction);
        Assert.Equal(0.9, p.BaggingFraction);
        Assert.Equal(1, p.BaggingFreq);
        Assert.Equal(5, p.EarlyStoppingRound);
        Assert.Equal(4, p.MaxDepth);
        Assert.Equal(63, p.MaxBin);
    }

    [Theory]
    [InlineData("num_leafs", "10", "Unknown parameter 'num_leafs'")]
    [InlineData("num_leaves", "ten", "'num_leaves' = 'ten'")]
    [InlineData("num_leaves", "1", "'num_leaves' = '1'")]
    [InlineData("learning_rate", "-0.1", "'learning_rate' = '-0.1'")]
    [InlineData("bagging_fraction", "1.5", "'bagging_fraction' = '1.5'")]
    [InlineData("max_bin", "1024", "'max_bin' = '1024'")]
    [InlineData("objective", "lambdarank", "'objective' = 'lambdarank'")]
    [InlineData("boost_from_average", "maybe", "'boost_from_average' = 'maybe'")]
    public void Parameters_reject_unknown_names_and_bad_values(string name, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => GbdtParameters.Parse(new Dictionary<string, string> { [name] = value }));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void An_alias_and_its_name_together_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => GbdtParameters.Parse(new Dictionary<string, string> { ["num_trees"] = "5", ["num_iterations"] = "6" }));
        Assert.Contains("given twice", error.Message);
    }

    [Fact]
    public void Gain_importance_ranks_the_informative_feature_first()
    {
        var train = Fixtures.ReadCsv("train-binary.csv");
        var model = new GbdtTrainer(FixtureSettings(TrainingObjective.Binary) with { NumIterations = 10 }).Train(train);
        var gain = model.FeatureImportance(FeatureImportanceType.Gain);
        // The generator's score is 2*f0 + ... while f7 does not enter it at all.
        Assert.Equal(0, Array.IndexOf(gain, gain.Max()));
        Assert.True(gain[7] < gain[0] / 20);
    }

    private static DenseDataset Slice(DenseDataset data, int start, int count)
    {
        var values = data.Values.Slice(start * data.FeatureCount, count * data.FeatureCount).ToArray();
        return new DenseDataset(values, count, data.FeatureNames, data.RequireLabels()[start..(start + count)]);
    }

    [Fact]
    public void Leaf_counts_agree_with_routing_the_training_rows_on_a_large_set()
    {
        // 150,000 rows: large enough that rows are partitioned and histogrammed block-parallel.
        var train = SyntheticDataGenerator.Generate(SyntheticTask.Binary, 150_000, 8, 11);
        var settings = new GbdtParameters { Objective = TrainingObjective.Binary, NumIterations = 3, NumLeaves = 15, NumThreads = 2 };
        var model = new GbdtTrainer(settings).Train(train);
        foreach (var tree in model.Trees)
        {
            var routed = new int[tree.NumLeaves];
            for (int r = 0; r < train.RowCount; r++) routed[tree.GetLeaf(train.Row(r))]++;
            Assert.Equal(tree.LeafCount.ToArray(), routed);
        }
        var single = new GbdtTrainer(settings with { NumThreads = 1 }).Train(train);
        Assert.Equal(LightGbmModelWriter.ToText(single), LightGbmModelWriter.ToText(model));
        // Three threads cut the 8 features into uneven parts (2, 3 and 3 features, histogrammed in passes of 2 and 1).
        var three = new GbdtTrainer(settings with { NumThreads = 3 }).Train(train);
        Assert.Equal(LightGbmModelWriter.ToText(single), LightGbmModelWriter.ToText(three));
    }
}
