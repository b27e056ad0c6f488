using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class TrainGbdtReplayTests : IDisposable
{
    private readonly StoreStepContext _context = new(stepId: "retrain");
    // t runs 0..399: 315 training rows (t < 315), a gap of 5, then 80 holdout rows.
    private readonly double?[][] _rows = LinearTables.Rows(400, seed: 5);

    public void Dispose() => _context.Dispose();

    private TrainGbdtOutputs Run(TrainGbdtInputs inputs) => new TrainGbdtStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private TrainGbdtInputs Inputs(ErrorReplay? replay) => new()
    {
        Input = TableFiles.Parquet(_context, LinearTables.Columns, _rows), Target = "up", Objective = GbdtObjective.Binary, Features = ["a", "b", "noise"], Gap = 5,
        Params = new Dictionary<string, string> { ["num_iterations"] = "20", ["min_data_in_leaf"] = "10", ["num_threads"] = "1" },
        Replay = replay,
    };

    /// <summary>
    /// A champion that said "up" with probability 0.9 on every row of a shadow window (rows t = 100..199), recorded as
    /// shadow/compare records it: paired decisions in shadow_predictions, and the step run whose data input is the window.
    /// </summary>
    private Artifact ShadowedChampion()
    {
        var champion = _context.RegisterModel("toxicity", "a model");
        _context.Registry.Promote("toxicity", champion.Version, "champion", "test");
        var window = TableFiles.Parquet(_context, LinearTables.Columns, _rows.Skip(100).Take(100));
        var now = DateTime.UtcNow;
        _context.Store.CompleteStepRun(new StepRunRecord(_context.RunId, "shadow", "shadow/compare", 1, StepStatus.Succeeded, null, null, 1, now, now, 0,
            "{\"Model\":\"toxicity\",\"Data\":{\"Sha256\":\"" + window.Sha256 + "\",\"Kind\":\"table\",\"Format\":\"parquet\"}}", null, null),
            [("report", window)], []);
        new StoreShadowLog(_context.Store, _context.RunId, "shadow").Record("toxicity", champion.Version, champion.Version + 1,
            Enumerable.Range(0, 100).Select(r => new ShadowPrediction(r, 0.9, 0.5, _rows[100 + r][5], true)).ToList());
        return window;
    }

    [Fact]
    public void The_champions_newest_misclassified_rows_are_learned_again_with_the_weight_and_no_more_than_max_rows()
    {
        ShadowedChampion();

        var outputs = Run(Inputs(new ErrorReplay { Model = "toxicity", Weight = 3.0, MaxRows = 10, TimeColumn = "t" }));
        var metrics = TrainingMetrics.Load(_context.OpenArtifact(outputs.Metrics));

        // The champion said up everywhere, so its errors are the window's down rows; the newest ten are the last ten of them.
        var downs = Enumerable.Range(100, 100).Where(t => _rows[t][5] == 0).ToList();
        var replayed = downs.TakeLast(10).ToHashSet();
        var replay = metrics.Replay!;
        Assert.Equal((downs.Count, 10), (replay.Errors, replay.Selected));
        Assert.Equal((0, 10, 0), (replay.Appended, replay.Reweighted, replay.LeftOut));
        Assert.Equal(10, outputs.ReplayRows);

        // LightGBM itself on the training rows with weight 3 on exactly those rows writes the same model.
        var train = _rows.Take(315).ToArray();
        var expected = new DenseDataset(train.SelectMany(r => new[] { r[1]!.Value, r[2]!.Value, r[3]!.Value }).ToArray(), 315, ["a", "b", "noise"],
            train.Select(r => r[5]!.Value).ToArray(), Enumerable.Range(0, 315).Select(t => replayed.Contains(t) ? 3.0 : 1.0).ToArray());
        using var booster = LightGbmTrainer.Train(expected, null, LightGbmParameters.From(metrics.Parameters));
        Assert.Equal(booster.ModelText(), File.ReadAllText(_context.OpenArtifact(outputs.Model)));
    }

    [Fact]
    public void The_replayed_table_is_named_in_the_metrics()
    {
        var window = ShadowedChampion();

        var outputs = Run(Inputs(new ErrorReplay { Model = "toxicity", TimeColumn = "t" }));

        Assert.Equal([window.Sha256], TrainingMetrics.Load(_context.OpenArtifact(outputs.Metrics)).Replay!.DataSha256);
    }

    [Fact]
    public void Without_a_champion_nothing_is_replayed_and_training_goes_on()
    {
        var outputs = Run(Inputs(new ErrorReplay { Model = "toxicity", TimeColumn = "t" }));

        Assert.Equal(0, outputs.ReplayRows);
        Assert.Null(TrainingMetrics.Load(_context.OpenArtifact(outputs.Metrics)).Replay!.Version);
    }

    [Fact]
    public void A_step_with_replay_is_never_served_from_the_cache()
    {
        Assert.True(((IStoreDependentInputs)Inputs(new ErrorReplay { Model = "toxicity" })).DependsOnStore);
        Assert.False(((IStoreDependentInputs)Inputs(null)).DependsOnStore);
    }

    [Fact]
    public void Bad_replay_settings_are_refused_naming_the_field()
    {
        Assert.Equal("replay.max_rows", Assert.Throws<StepInputException>(() => Run(Inputs(new ErrorReplay { Model = "toxicity", MaxRows = 0, TimeColumn = "t" }))).Input);
        Assert.Equal("replay.weight", Assert.Throws<StepInputException>(() => Run(Inputs(new ErrorReplay { Model = "toxicity", Weight = -1, TimeColumn = "t" }))).Input);
    }
}
