using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Metrics;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Tuning;
using Pipelines.Learning.Validation;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class TrainGbdtTuningTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly double?[][] _rows = LinearTables.Rows(400, seed: 11);

    public void Dispose() => _context.Dispose();

    private TrainGbdtOutputs Run(TrainGbdtInputs inputs) =>
        new TrainGbdtStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private JsonNode Json(Artifact artifact) => JsonNode.Parse(File.ReadAllText(_context.FullPath(artifact)))!;

    private static GbdtTuning Tuning(params TuningRange[] space) => new() { Space = space, Trials = 6, Folds = 3, PruneAfter = 2 };

    private static readonly TuningRange[] Space =
    [
        new() { Name = "learning_rate", Low = 0.02, High = 0.3, Type = TuningRangeType.Log },
        new() { Name = "num_leaves", Low = 3, High = 15, Type = TuningRangeType.Int },
        new() { Name = "feature_fraction", Low = 0.5, High = 1.0 },
    ];

    private TrainGbdtInputs Inputs(GbdtTuning? tune) => new()
    {
        Input = LinearTables.Table(_context, _rows), Target = "up", Objective = GbdtObjective.Binary, Exclude = ["t", "y"], Gap = 5,
        Params = new Dictionary<string, string> { ["num_iterations"] = "15", ["min_data_in_leaf"] = "10", ["seed"] = "3" },
        Tune = tune,
    };

    [Fact]
    public void The_same_seed_gives_the_same_trials_and_the_best_trial_trains_the_model()
    {
        var first = Run(Inputs(Tuning(Space)));
        var second = Run(Inputs(Tuning(Space)));
        Assert.NotNull(first.Tuning);
        // The trial record is byte for byte the same, so its content hash is.
        Assert.Equal(first.Tuning!.Sha256, second.Tuning!.Sha256);
        Assert.Equal(first.Model.Sha256, second.Model.Sha256);

        var record = Json(first.Tuning);
        Assert.Equal("logloss", (string?)record["metric"]);
        Assert.Equal("minimize", (string?)record["direction"]);
        var trials = record["trials"]!.AsArray();
        Assert.Equal(6, trials.Count);
        var complete = trials.Where(t => (string?)t!["state"] == "complete").ToList();
        Assert.NotEmpty(complete);
        foreach (var trial in trials)
        {
            var parameters = trial!["params"]!;
            Assert.InRange((double)parameters["learning_rate"]!, 0.02, 0.3);
            Assert.InRange((int)parameters["num_leaves"]!, 3, 15);
            Assert.InRange((double)parameters["feature_fraction"]!, 0.5, 1.0);
            var scores = trial["fold_scores"]!.AsArray().Select(s => (double)s!).ToList();
            if ((string?)trial["state"] == "complete")
            {
                Assert.Equal(3, scores.Count);
                Assert.Equal(scores.Average(), (double)trial["value"]!, 12);
            }
            else
            {
                Assert.Equal("pruned", (string?)trial["state"]);
                Assert.InRange(scores.Count, 1, 2);
            }
        }
        var bestValue = complete.Min(t => (double)t!["value"]!);
        Assert.Equal(bestValue, first.BestScore!.Value, 12);
        Assert.Equal(bestValue, (double)record["best"]!["value"]!, 12);

        // The final model was trained with the best trial's parameters on top of the step's own.
        var best = complete.First(t => (double)t!["value"]! == bestValue)!["params"]!;
        var modelParameters = Json(first.Metrics)["parameters"]!;
        Assert.Equal((double)best["learning_rate"]!, double.Parse((string)modelParameters["learning_rate"]!, CultureInfo.InvariantCulture), 12);
        Assert.Equal((int)best["num_leaves"]!, int.Parse((string)modelParameters["num_leaves"]!, CultureInfo.InvariantCulture));
        Assert.Equal("15", (string?)modelParameters["num_iterations"]);
        Assert.Equal(((int)best["num_leaves"]!).ToString(CultureInfo.InvariantCulture), first.BestParams["num_leaves"]);
        Assert.Equal(first.Tuning.Sha256, (string?)Json(first.Metrics)["tuning"]!["trials_sha256"]);
    }

    [Fact]
    public void A_trial_score_is_the_mean_log_loss_over_walk_forward_folds_of_the_training_rows()
    {
        var outputs = Run(Inputs(Tuning(Space) with { Trials = 1 }));
        var trial = Json(outputs.Tuning!)["trials"]![0]!;

        // Recompute trial 0 by hand: 400 rows, 80 held out, a gap of 5 → 315 training rows in time order.
        var features = new[] { 1, 2, 3 };
        var values = _rows.Take(315).SelectMany(r => features.Select(f => r[f]!.Value)).ToArray();
        var labels = _rows.Take(315).Select(r => r[5]!.Value).ToArray();
        var train = new DenseDataset(values, 315, ["a", "b", "noise"], labels);
        var parameters = LightGbmParameters.From(new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = "15", ["min_data_in_leaf"] = "10", ["seed"] = "3",
            ["learning_rate"] = ((double)trial["params"]!["learning_rate"]!).ToString("R", CultureInfo.InvariantCulture),
            ["num_leaves"] = ((int)trial["params"]!["num_leaves"]!).ToString(CultureInfo.InvariantCulture),
            ["feature_fraction"] = ((double)trial["params"]!["feature_fraction"]!).ToString("R", CultureInfo.InvariantCulture),
        });
        var folds = new ExpandingWindowSplitter(3, 0, 5).Split(315);
        var expected = new List<double>();
        foreach (var fold in folds)
        {
            DenseDataset Rows(int[] rows) => new(rows.SelectMany(r => train.Row(r).ToArray()).ToArray(), rows.Length, train.FeatureNames, rows.Select(r => labels[r]).ToArray());
            using var model = LightGbmTrainer.Train(Rows(fold.Train), null, parameters);
            var test = Rows(fold.Test);
            expected.Add(ClassificationMetrics.LogLoss(test.RequireLabels().Select(l => (int)l).ToArray(), model.Predict(test)));
        }
        var scores = trial["fold_scores"]!.AsArray().Select(s => (double)s!).ToList();
        Assert.Equal(expected.Count, scores.Count);
        for (var k = 0; k < scores.Count; k++) Assert.Equal(expected[k], scores[k], 9);
    }

    [Fact]
    public void Random_search_and_purged_k_fold_are_recorded_as_such()
    {
        var outputs = Run(Inputs(Tuning(Space) with { Sampler = TuningSampler.Random, Scheme = TuningScheme.PurgedKfold, Metric = "auc", Trials = 3 }));
        var record = Json(outputs.Tuning!);
        Assert.Equal("random", (string?)record["sampler"]);
        Assert.Equal("purged_kfold", (string?)record["scheme"]);
        Assert.Equal("maximize", (string?)record["direction"]);
        var values = record["trials"]!.AsArray().Where(t => (string?)t!["state"] == "complete").Select(t => (double)t!["value"]!).ToList();
        Assert.Equal(values.Max(), outputs.BestScore!.Value, 12);
    }

    [Fact]
    public void Without_tune_nothing_is_searched()
    {
        var outputs = Run(Inputs(null));
        Assert.Null(outputs.Tuning);
        Assert.Null(outputs.BestScore);
        Assert.Empty(outputs.BestParams);
        Assert.Null(Json(outputs.Metrics)["tuning"]);
    }

    public static TheoryData<GbdtTuning, string> BadTunings => new()
    {
        { Tuning(new TuningRange { Name = "leaves_count", Low = 2, High = 9, Type = TuningRangeType.Int }), "tune.space[0].name" },
        { Tuning(Space[0], new TuningRange { Name = "learning_rate", Low = 0.1, High = 0.2 }), "tune.space[1].name" },
        { Tuning(new TuningRange { Name = "objective", Low = 0, High = 1 }), "tune.space[0].name" },
        { Tuning(new TuningRange { Name = "learning_rate", Low = 0.3, High = 0.1 }), "tune.space[0].high" },
        { Tuning(new TuningRange { Name = "learning_rate", Low = 0, High = 0.1, Type = TuningRangeType.Log }), "tune.space[0].low" },
        { Tuning(new TuningRange { Name = "num_leaves", Low = 4, High = 40 }), "tune.space[0].type" },
        { Tuning(new TuningRange { Name = "num_leaves", Low = 2.5, High = 40, Type = TuningRangeType.Int }), "tune.space[0].low" },
        { Tuning(new TuningRange { Name = "feature_fraction", Low = 0.5, High = 1.5 }), "tune.space[0].high" },
        { Tuning(), "tune.space" },
        { Tuning(Space) with { Trials = 0 }, "tune.trials" },
        { Tuning(Space) with { Folds = 1 }, "tune.folds" },
        { Tuning(Space) with { Metric = "rmse" }, "tune.metric" },
    };

    [Theory]
    [MemberData(nameof(BadTunings))]
    public void Bad_search_spaces_name_the_field(GbdtTuning tune, string field)
    {
        var error = Assert.Throws<StepInputException>(() => Run(Inputs(tune)));
        Assert.Equal(field, error.Input);
    }
}
