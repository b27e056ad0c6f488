using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

/// <summary>
/// train/gbdt's continue_from: a registered LightGBM model continued on new rows keeps its trees first, the new version
/// records its parent, and a parent that does not exist or does not fit is refused naming continue_from, features or
/// objective.
/// </summary>
public sealed partial class TrainGbdtContinueTests : IDisposable
{
    private readonly StoreStepContext _context = new(stepId: "train");

    public void Dispose() => _context.Dispose();

    private Artifact Table(int seed) => TableFiles.Parquet(_context, LinearTables.Columns, LinearTables.Rows(400, seed));

    private TrainGbdtOutputs Train(Artifact table, string? continueFrom = null, IReadOnlyList<string>? features = null, GbdtObjective objective = GbdtObjective.Binary,
        string target = "up", int iterations = 12) =>
        new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = table, Target = target, Objective = objective, Features = features, Exclude = ["t", "y", "up"], ContinueFrom = continueFrom,
            Params = new Dictionary<string, string> { ["num_iterations"] = iterations.ToString(), ["min_data_in_leaf"] = "10", ["num_threads"] = "1" },
        }, _context, default).GetAwaiter().GetResult();

    private ModelVersion Register(TrainGbdtOutputs trained, string stepId)
    {
        _context.RecordOutputs(stepId, [trained.Model, trained.Metrics]);
        return _context.Registry.Register("updown", trained.Model, File.ReadAllText(_context.OpenArtifact(trained.Metrics)), null, "test");
    }

    [GeneratedRegex(@"^Tree=\d+\n", RegexOptions.Multiline)]
    private static partial Regex TreeHeader();

    private List<string> Trees(Artifact model)
    {
        var text = File.ReadAllText(_context.OpenArtifact(model));
        return TreeHeader().Split(text[..text.IndexOf("end of trees", StringComparison.Ordinal)]).Skip(1).Select(t => t.Trim()).ToList();
    }

    [Fact]
    public void A_continued_model_keeps_the_champions_trees_first_and_the_registry_records_the_chain_of_parents()
    {
        var first = Train(Table(1));
        var v1 = Register(first, "train-1");
        _context.Registry.Promote("updown", v1.Version, "champion", "test");

        var second = Train(Table(2), continueFrom: "updown@champion", iterations: 8);
        var parentTrees = Trees(first.Model);
        var trees = Trees(second.Model);
        Assert.Equal(12, parentTrees.Count);
        Assert.Equal(20, trees.Count);
        Assert.Equal(parentTrees, trees.Take(12));

        var metrics = TrainingMetrics.Load(_context.OpenArtifact(second.Metrics));
        Assert.Equal(new ContinuedFromRecord { Model = "updown", Version = 1, ModelSha256 = first.Model.Sha256, ParentIterations = 12 }, metrics.ContinuedFrom);
        Assert.Equal(20, metrics.Iterations);
        // The features default to the parent's.
        Assert.Equal(["a", "b", "noise"], metrics.Features);
        var v2 = Register(second, "train-2");
        Assert.Equal(new ModelParent("updown", 1), v2.Parent);

        var third = Train(Table(3), continueFrom: $"updown@{v2.Version}", iterations: 4);
        Assert.Equal(trees, Trees(third.Model).Take(20));
        var v3 = Register(third, "train-3");
        Assert.Equal(new ModelParent("updown", 2), _context.Registry.Find("updown", "3")!.Parent);
        Assert.Null(_context.Registry.Find("updown", "1")!.Parent);
        Assert.Equal(3, v3.Version);
    }

    [Fact]
    public void The_continued_model_is_LightGBMs_continued_training_on_the_training_rows()
    {
        var first = Train(Table(1));
        Register(first, "train-1");
        var table = Table(2);
        var second = Train(table, continueFrom: "updown@1", iterations: 8);

        // The step holds out the latest 80 of 400 rows; LightGBM continues the parent on the 320 before them.
        var rows = LinearTables.Rows(400, 2).Take(320).ToArray();
        var train = new DenseDataset(rows.SelectMany(r => new[] { r[1]!.Value, r[2]!.Value, r[3]!.Value }).ToArray(), rows.Length, ["a", "b", "noise"],
            rows.Select(r => r[5]!.Value).ToArray());
        var metrics = TrainingMetrics.Load(_context.OpenArtifact(second.Metrics));
        Assert.Equal(320, metrics.Rows.Train);
        using var init = LightGbmInitModel.Load(File.ReadAllText(_context.OpenArtifact(first.Model)));
        var parameters = LightGbmParameters.From(metrics.Parameters);
        using var booster = LightGbmTrainer.Train(train, null, parameters, initModel: init);
        Assert.Equal(booster.ModelText(), File.ReadAllText(_context.OpenArtifact(second.Model)));
    }

    [Fact]
    public void Continuing_from_a_champion_that_does_not_exist_is_refused_naming_continue_from()
    {
        var error = Assert.Throws<StepInputException>(() => Train(Table(1), continueFrom: "updown@champion"));
        Assert.Equal("continue_from", error.Input);
        Assert.Contains("there is no registered model 'updown' to continue from", error.Message);

        Register(Train(Table(1)), "train-1");
        error = Assert.Throws<StepInputException>(() => Train(Table(2), continueFrom: "updown"));
        Assert.Equal("continue_from", error.Input);
        Assert.Contains("model 'updown' has no 'champion' to continue from", error.Message);
    }

    [Fact]
    public void Features_other_than_the_parents_are_refused_naming_both_lists()
    {
        Register(Train(Table(1)), "train-1");
        var error = Assert.Throws<StepInputException>(() => Train(Table(2), continueFrom: "updown@1", features: ["a", "b"]));
        Assert.Equal("features", error.Input);
        Assert.Contains("needs its features [a, b, noise] in that order; the table gives [a, b]", error.Message);
        error = Assert.Throws<StepInputException>(() => Train(Table(2), continueFrom: "updown@1", features: ["b", "a", "noise"]));
        Assert.Equal("features", error.Input);
    }

    [Fact]
    public void Another_objective_than_the_parents_is_refused()
    {
        Register(Train(Table(1)), "train-1");
        var error = Assert.Throws<StepInputException>(() => Train(Table(2), continueFrom: "updown@1", objective: GbdtObjective.Regression, target: "y"));
        Assert.Equal("objective", error.Input);
        Assert.Contains("was trained for binary, not regression", error.Message);
    }

    [Fact]
    public void Tuning_or_folds_with_continue_from_are_refused_before_anything_runs()
    {
        var inputs = new TrainGbdtInputs
        {
            Input = new Artifact(new string('0', 64), "table", "parquet", 0, "x"), Target = "up", Objective = GbdtObjective.Binary, ContinueFrom = "up down", Folds = 3,
        };
        Assert.Equal(["continue_from", "folds"], inputs.Problems().Select(p => p.Input));
    }
}
