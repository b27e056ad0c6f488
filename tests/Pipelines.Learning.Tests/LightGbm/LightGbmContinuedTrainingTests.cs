using System.Text.RegularExpressions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.LightGbm;

/// <summary>
/// Training that continues an earlier model: the continued model.txt starts with the parent's trees, its predictions
/// are those of LightGBM's own continued training done call by call through the C API on the same rows, and the
/// parent's trees alone still give the parent's scores.
/// </summary>
public sealed partial class LightGbmContinuedTrainingTests
{
    private static LightGbmParameters Settings(string objective, int iterations, params (string Name, string Value)[] more) => LightGbmParameters.From(
        new Dictionary<string, string>
        {
            ["objective"] = objective, ["num_iterations"] = iterations.ToString(), ["num_leaves"] = "7", ["learning_rate"] = "0.1",
            ["min_data_in_leaf"] = "10", ["seed"] = "1", ["num_threads"] = "1",
        }.Concat(more.Select(m => new KeyValuePair<string, string>(m.Name, m.Value))));

    [GeneratedRegex(@"^Tree=\d+\n", RegexOptions.Multiline)]
    private static partial Regex TreeHeader();

    // The tree blocks of a model.txt, each without its "Tree=i" line, up to the end of the trees.
    private static List<string> Trees(string modelText)
    {
        var body = modelText[..modelText.IndexOf("end of trees", StringComparison.Ordinal)];
        return TreeHeader().Split(body).Skip(1).Select(t => t.Trim()).ToList();
    }

    [Theory]
    [InlineData(SyntheticTask.Binary, "binary")]
    [InlineData(SyntheticTask.Regression, "regression")]
    [InlineData(SyntheticTask.Multiclass, "multiclass")]
    public void The_continued_model_starts_with_the_parents_trees_and_predicts_as_LightGBMs_own_continued_training(SyntheticTask task, string objective)
    {
        var more = task == SyntheticTask.Multiclass ? new[] { ("num_class", "3") } : [];
        var old = SyntheticDataGenerator.Generate(task, 600, 8, seed: 1);
        var recent = SyntheticDataGenerator.Generate(task, 400, 8, seed: 1, skipRows: 600);
        var test = SyntheticDataGenerator.Generate(task, 200, 8, seed: 1, skipRows: 1000);

        using var parent = LightGbmTrainer.Train(old, null, Settings(objective, 15, more));
        var parentText = parent.ModelText();
        using var init = LightGbmInitModel.Load(parentText);
        using var continued = LightGbmTrainer.Train(recent, null, Settings(objective, 10, more), initModel: init);

        var parentTrees = Trees(parentText);
        var continuedTrees = Trees(continued.ModelText());
        var perIteration = task == SyntheticTask.Multiclass ? 3 : 1;
        Assert.Equal(15 * perIteration, parentTrees.Count);
        Assert.Equal(25 * perIteration, continuedTrees.Count);
        Assert.Equal(25, continued.Iterations);
        Assert.Equal(parentTrees, continuedTrees.Take(parentTrees.Count));

        var byHand = ContinueByHand(parentText, recent, LightGbmTrainer.ForRun(Settings(objective, 10, more)).ToString(), 10, test);
        var predicted = continued.Predict(test);
        Assert.Equal(byHand.Length, predicted.Length);
        for (var i = 0; i < predicted.Length; i++) Assert.Equal(byHand[i], predicted[i], 12);

        // Our reader sees the same thing: the first 15 iterations' raw scores are the parent's raw scores.
        var reread = LightGbmModelReader.Parse(continued.ModelText(), "continued");
        var original = LightGbmModelReader.Parse(parentText, "parent");
        var firstTrees = new TreeEnsembleModel(reread.Trees.Take(parentTrees.Count).ToList(), reread.Objective, reread.FeatureNames, reread.FeatureInfos,
            reread.Parameters, reread.LabelIndex);
        Assert.Equal(original.PredictAll(test, rawScore: true), firstTrees.PredictAll(test, rawScore: true));
    }

    [Fact]
    public void Continuing_on_the_same_rows_lowers_the_training_loss_further()
    {
        var rows = SyntheticDataGenerator.Generate(SyntheticTask.Regression, 500, 8, seed: 3);
        using var parent = LightGbmTrainer.Train(rows, null, Settings("regression", 5));
        using var init = LightGbmInitModel.Load(parent.ModelText());
        using var continued = LightGbmTrainer.Train(rows, null, Settings("regression", 20), initModel: init);
        double Mse(LightGbmBooster b) => b.Predict(rows).Select((p, i) => (p - rows.Labels![i]) * (p - rows.Labels[i])).Average();
        Assert.True(Mse(continued) < Mse(parent), $"{Mse(continued)} vs {Mse(parent)}");
    }

    /// <summary>
    /// LightGBM's continued training called one C function at a time, as its Python package does for init_model: the
    /// parent's raw scores (class-major for multiclass) as the dataset's init_score, the parent merged into the new
    /// booster, the iterations, then LightGBM's predictions on <paramref name="test"/>.
    /// </summary>
    private static unsafe double[] ContinueByHand(string parentText, DenseDataset rows, string parameters, int iterations, DenseDataset test)
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterLoadModelFromString(parentText, out _, out var parent), "load");
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumClasses(parent, out var classes), "classes");
        var raw = new double[rows.RowCount * classes];
        fixed (double* values = rows.Values)
        fixed (double* output = raw)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(parent, values, LightGbmNative.DtypeFloat64, rows.RowCount, rows.FeatureCount, 1,
                LightGbmNative.PredictRawScore, 0, -1, "", out _, output), "raw");
        var initScore = new double[raw.Length];
        for (var r = 0; r < rows.RowCount; r++)
            for (var c = 0; c < classes; c++) initScore[c * rows.RowCount + r] = raw[r * classes + c];

        IntPtr dataset;
        fixed (double* values = rows.Values)
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetCreateFromMat(values, LightGbmNative.DtypeFloat64, rows.RowCount, rows.FeatureCount, 1, parameters, IntPtr.Zero, out dataset), "dataset");
        var labels = rows.Labels!.Select(l => (float)l).ToArray();
        fixed (float* label = labels)
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(dataset, "label", label, labels.Length, LightGbmNative.DtypeFloat32), "label");
        fixed (double* score = initScore)
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(dataset, "init_score", score, initScore.Length, LightGbmNative.DtypeFloat64), "init_score");
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(dataset, parameters, out var booster), "booster");
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterMerge(booster, parent), "merge");
        for (var i = 0; i < iterations; i++) LightGbmNative.Check(LightGbmNative.LGBM_BoosterUpdateOneIter(booster, out _), "update");

        var predictions = new double[test.RowCount * classes];
        fixed (double* values = test.Values)
        fixed (double* output = predictions)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(booster, values, LightGbmNative.DtypeFloat64, test.RowCount, test.FeatureCount, 1,
                LightGbmNative.PredictNormal, 0, -1, "", out _, output), "predict");
        LightGbmNative.LGBM_BoosterFree(booster);
        LightGbmNative.LGBM_BoosterFree(parent);
        LightGbmNative.LGBM_DatasetFree(dataset);
        return predictions;
    }
}
