using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Validation;
using Pipelines.Steps.Select;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Select;

public sealed class SelectFeaturesStepTests : IDisposable
{
    private static readonly string[] Columns = ["t", "a", "b", "leak", "noise", "y"];
    private static readonly Dictionary<string, string> Params = new() { ["num_iterations"] = "15", ["min_data_in_leaf"] = "10", ["num_leaves"] = "7" };
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    /// <summary>y = 3a − 2b + noise; leak equals y on the latest fifth of the rows (the holdout) and is noise before.</summary>
    private static double?[][] Rows(int count, int seed)
    {
        var random = new Random(seed);
        var holdoutFrom = count - (int)Math.Ceiling(count * 0.2);
        return Enumerable.Range(0, count).Select(r =>
        {
            var a = random.NextDouble() * 2 - 1;
            var b = random.NextDouble() * 2 - 1;
            var noise = random.NextDouble();
            var y = 3 * a - 2 * b + (random.NextDouble() - 0.5) * 0.3;
            var leak = r >= holdoutFrom ? y : random.NextDouble() * 4 - 2;
            return new double?[] { r, a, b, leak, noise, y };
        }).ToArray();
    }

    private SelectFeaturesOutputs Run(SelectFeaturesInputs inputs) => new SelectFeaturesStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private SelectFeaturesInputs Inputs(double?[][] rows, SelectionMethod method) => new()
    {
        Input = TableFiles.Parquet(_context, Columns, rows), Target = "y", Objective = GbdtObjective.Regression, Exclude = ["t"], Params = Params,
        Method = method, RankBy = ImportanceKind.Permutation, Repeats = 3, Seed = 7, Folds = 3, TestFraction = 0.2,
    };

    private List<object?[]> Table(Artifact artifact, string sql)
    {
        using var probe = new ParquetProbe(_context.FullPath(artifact));
        return probe.Rows(sql);
    }

    [Theory]
    [InlineData(TuningScheme.WalkForward)]
    [InlineData(TuningScheme.PurgedKfold)]
    public void A_feature_informative_only_on_the_holdout_rows_is_not_selected_and_changing_the_holdout_changes_nothing(TuningScheme scheme)
    {
        var rows = Rows(400, seed: 11);
        var outputs = Run(Inputs(rows, SelectionMethod.Rfe) with { Tolerance = 0.05, Scheme = scheme, Gap = 3 });
        Assert.DoesNotContain("leak", outputs.Features);
        Assert.Equal(["a", "b"], outputs.Features.Order());

        // Rewrite every gap and holdout row (features and labels): selection must not notice, since it never reads them.
        var random = new Random(99);
        var changed = rows.Select((r, i) => i < 317 ? r : new double?[] { r[0], random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble() * 10 }).ToArray();
        var again = Run(Inputs(changed, SelectionMethod.Rfe) with { Tolerance = 0.05, Scheme = scheme, Gap = 3 });
        Assert.Equal(outputs.Features, again.Features);
        Assert.Equal(outputs.Score, again.Score);
        Assert.Equal(Table(outputs.Scores, "SELECT * FROM {t} ORDER BY method, feature"), Table(again.Scores, "SELECT * FROM {t} ORDER BY method, feature"));
        Assert.Equal(Table(outputs.Rounds, "SELECT * FROM {t} ORDER BY round"), Table(again.Rounds, "SELECT * FROM {t} ORDER BY round"));
    }

    [Fact]
    public void Permutation_importance_is_the_mean_over_folds_of_the_RMSE_lost_computed_by_brute_force()
    {
        var rows = Rows(300, seed: 5);
        var outputs = Run(Inputs(rows, SelectionMethod.Permutation));
        var features = new[] { "a", "b", "leak", "noise" };
        var train = rows.Take(240).ToArray();

        // Brute force: LightGBM itself on each walk-forward fold, every documented shuffle applied to a copy of the fold's test rows.
        var expected = new double[4];
        var folds = new ExpandingWindowSplitter(3).Split(240);
        foreach (var fold in folds)
        {
            var fit = Dataset(train, fold.Train, features);
            var test = Dataset(train, fold.Test, features);
            using var booster = LightGbmTrainer.Train(fit, null, LightGbmParameters.From(Params).With("objective", "regression"));
            var labels = test.RequireLabels();
            var baseline = Rmse(labels, booster.Predict(test));
            var random = new SplitMix64((ulong)(7 + fold.Number));
            for (var j = 0; j < 4; j++)
            {
                for (var r = 0; r < 3; r++)
                {
                    var order = Enumerable.Range(0, test.RowCount).ToArray();
                    for (var i = order.Length - 1; i >= 1; i--)
                    {
                        var k = random.NextInt(i + 1);
                        (order[i], order[k]) = (order[k], order[i]);
                    }
                    var copy = test.Values.ToArray();
                    for (var i = 0; i < order.Length; i++) copy[i * 4 + j] = test[order[i], j];
                    expected[j] += (Rmse(labels, booster.Predict(new DenseDataset(copy, test.RowCount, features, labels))) - baseline) / 3 / folds.Count;
                }
            }
        }
        var actual = Table(outputs.Scores, "SELECT feature, importance FROM {t} WHERE method = 'permutation'").ToDictionary(r => (string)r[0]!, r => (double)r[1]!);
        for (var j = 0; j < 4; j++) Assert.Equal(expected[j], actual[features[j]], 9);
        Assert.Equal(["a", "b"], outputs.Features.Take(2).Order());
    }

    [Fact]
    public void Elimination_scores_each_subset_as_a_direct_cross_validation_does_and_picks_what_an_exhaustive_search_picks()
    {
        var rows = Rows(300, seed: 8);
        const double tolerance = 0.05;
        var outputs = Run(Inputs(rows, SelectionMethod.Rfe) with { RankBy = ImportanceKind.Gain, Tolerance = tolerance });
        var train = rows.Take(240).ToArray();
        var folds = new ExpandingWindowSplitter(3).Split(240);
        double CrossValidated(string[] subset) => folds.Average(fold =>
        {
            using var booster = LightGbmTrainer.Train(Dataset(train, fold.Train, subset), null, LightGbmParameters.From(Params).With("objective", "regression"));
            var test = Dataset(train, fold.Test, subset);
            return Rmse(test.RequireLabels(), booster.Predict(test));
        });

        // Every subset the rounds tried scores what a direct cross-validation of it scores.
        foreach (var round in Table(outputs.Rounds, "SELECT features, score FROM {t}"))
            Assert.Equal(CrossValidated(((string)round[0]!).Split(',')), (double)round[1]!, 9);

        // Exhaustive search over all 15 subsets: the smallest within tolerance of the best.
        var all = new[] { "a", "b", "leak", "noise" };
        var subsets = Enumerable.Range(1, 15).Select(m => all.Where((_, i) => (m >> i & 1) == 1).ToArray()).Select(s => (Subset: s, Score: CrossValidated(s))).ToList();
        var best = subsets.Min(s => s.Score);
        var expected = subsets.Where(s => s.Score <= best + tolerance).OrderBy(s => s.Subset.Length).ThenBy(s => s.Score).First();
        Assert.Equal(expected.Subset.Order(), outputs.Features.Order());
        Assert.Equal(expected.Score, outputs.Score, 9);
    }

    [Fact]
    public async Task The_selected_list_trains_a_model_on_exactly_those_features()
    {
        var rows = Rows(300, seed: 3);
        var selection = Run(Inputs(rows, SelectionMethod.Gain) with { Keep = 2 });
        var trained = await new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = TableFiles.Parquet(_context, Columns, rows), Target = "y", Objective = GbdtObjective.Regression, Features = selection.Features, Params = Params,
        }, _context, default);
        Assert.Equal(selection.Features, trained.Features);
        Assert.Equal(["a", "b"], selection.Features.Order());
    }

    [Fact]
    public void An_ML_NET_model_is_scored_by_ML_NETs_permutation_importance()
    {
        var rows = Rows(240, seed: 4);
        var outputs = Run(Inputs(rows, SelectionMethod.Permutation) with { Params = new Dictionary<string, string>(), Mlnet = Pipelines.Steps.Train.MlNet.MlNetTrainer.FastTree, Repeats = 2 });
        var methods = Table(outputs.Scores, "SELECT DISTINCT method FROM {t}").Select(r => (string)r[0]!).ToList();
        Assert.Equal(["permutation"], methods);
        var importance = Table(outputs.Scores, "SELECT feature, importance FROM {t}").ToDictionary(r => (string)r[0]!, r => (double)r[1]!);
        Assert.True(importance["a"] > importance["noise"] && importance["b"] > importance["noise"], string.Join(", ", importance));
        Assert.Equal(["a", "b"], outputs.Features.Take(2).Order());
    }

    [Fact]
    public async Task On_an_augmented_table_synthetic_rows_train_the_folds_and_early_stopping_is_refused()
    {
        var rows = Rows(300, seed: 6);
        var augmented = await new Pipelines.Steps.Augment.BlockBootstrapStep().ExecuteAsync(new Pipelines.Steps.Augment.BlockBootstrapInputs
        {
            Input = TableFiles.Parquet(_context, Columns, rows), Target = "y", BlockLength = 8, Count = 120, TestFraction = 0.2,
        }, _context, default);
        var inputs = Inputs(rows, SelectionMethod.Gain) with { Input = augmented.Table, Keep = 2 };
        var outputs = Run(inputs);
        Assert.Equal(["a", "b"], outputs.Features.Order());
        // The marker columns are never candidates.
        Assert.Equal(["a", "b", "leak", "noise"], Table(outputs.Scores, "SELECT feature FROM {t} WHERE method = 'gain' ORDER BY feature").Select(r => (string)r[0]!));

        var error = Assert.Throws<StepInputException>(() => Run(inputs with { Params = new Dictionary<string, string>(Params) { ["early_stopping_round"] = "3" } }));
        Assert.Equal("params", error.Input);
        Assert.Contains("synthetic rows", error.Message);
    }

    [Fact]
    public void A_metric_the_task_does_not_report_is_refused_naming_the_input()
    {
        var error = Assert.Throws<StepInputException>(() => Run(Inputs(Rows(100, 1), SelectionMethod.Gain) with { Metric = "auc" }));
        Assert.Equal("metric", error.Input);
        Assert.Contains("rmse", error.Message);
    }

    private static DenseDataset Dataset(double?[][] rows, int[] indices, string[] features)
    {
        var columns = features.Select(f => Array.IndexOf(Columns, f)).ToArray();
        var values = indices.SelectMany(i => columns.Select(c => rows[i][c]!.Value)).ToArray();
        return new DenseDataset(values, indices.Length, features, indices.Select(i => rows[i][5]!.Value).ToArray());
    }

    private static double Rmse(double[] labels, double[] predictions) => Math.Sqrt(labels.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());
}
