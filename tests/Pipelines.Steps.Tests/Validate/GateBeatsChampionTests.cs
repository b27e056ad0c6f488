using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Linear;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Train;
using Pipelines.Steps.Train;
using Pipelines.Steps.Validate;

namespace Pipelines.Steps.Tests.Validate;

public sealed class GateBeatsChampionTests : IDisposable
{
    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry() };
    private readonly double?[][] _rows = LinearTables.Rows(500, seed: 21);
    private readonly Artifact _table;

    public GateBeatsChampionTests() => _table = LinearTables.Table(_context, _rows);

    public void Dispose() => _context.Dispose();

    /// <summary>A logistic model on the given features; a, b carry the signal, noise carries none.</summary>
    private TrainLinearOutputs Logistic(params string[] features) =>
        new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = _table, Target = "up", Objective = LinearObjective.Logistic, Features = features, L2 = 1, Gap = 5,
        }, _context, default).GetAwaiter().GetResult();

    private void Champion(TrainLinearOutputs trained) => Champion(trained.Model, trained.Metrics);

    private void Champion(Artifact model, Artifact metrics)
    {
        var version = _context.Registry.Register("updown", model, File.ReadAllText(_context.FullPath(metrics)), _table.Sha256, "test");
        _context.Registry.Promote("updown", version.Version, "champion", "test");
    }

    private GateOutputs Gate(Artifact metrics, Artifact holdout, string metric = "logloss", double margin = 0) => RunGate(new GateInputs
    {
        Metrics = metrics, Holdout = holdout, Data = _table,
        Require = [new GateRequirement { Metric = metric, Beats = "champion", Model = "updown", Margin = margin }],
    });

    private GateOutputs RunGate(GateInputs inputs) => new GateStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private JsonNode Check(GateOutputs outputs) => JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Report)))!["requirements"]![0]!;

    [Fact]
    public void A_clearly_better_candidate_passes_and_both_sides_are_scored_on_the_same_rows()
    {
        var weak = Logistic("noise");
        Champion(weak);
        var strong = Logistic("a", "b", "noise");

        var outputs = Gate(strong.Metrics, strong.Holdout);
        Assert.True(outputs.Passed, outputs.Reasons[0]);
        var check = Check(outputs);

        // The champion's log loss on the holdout rows (rows 400..499), computed here from its saved weights.
        var champion = LinearModelFile.Load(_context.FullPath(weak.Model));
        var loss = 0.0;
        for (var r = 400; r < 500; r++)
        {
            var p = champion.Predict([_rows[r][3]!.Value]);
            loss -= _rows[r][5] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        Assert.Equal(loss / 100, (double)check["rival_value"]!, 9);
        var candidateLoss = (double)JsonNode.Parse(File.ReadAllText(_context.FullPath(strong.Metrics)))!["holdout"]!["logloss"]!;
        Assert.Equal(candidateLoss, (double)check["candidate_value"]!, 9);
        Assert.Equal(loss / 100 - candidateLoss, (double)check["improvement"]!, 9);
        Assert.True((double)check["lower_bound"]! > 0);
        Assert.Equal(100, (int)check["rows"]!);
        Assert.Contains("beats champion", outputs.Reasons[0]);
        Assert.Contains("margin 0", outputs.Reasons[0]);
        Assert.Contains("95% lower bound", outputs.Reasons[0]);
    }

    [Fact]
    public void An_identical_candidate_fails()
    {
        var strong = Logistic("a", "b", "noise");
        Champion(strong);
        var outputs = Gate(strong.Metrics, strong.Holdout);
        Assert.False(outputs.Passed);
        Assert.Equal(0, (double)Check(outputs)["improvement"]!, 12);
        Assert.Contains("FAILS to beat champion", outputs.Reasons[0]);
    }

    [Fact]
    public void A_worse_candidate_fails_and_so_does_a_better_one_short_of_the_margin()
    {
        var strong = Logistic("a", "b", "noise");
        Champion(strong);
        var weak = Logistic("noise");
        var worse = Gate(weak.Metrics, weak.Holdout);
        Assert.False(worse.Passed);
        Assert.True((double)Check(worse)["improvement"]! < 0);

        _context.ModelRegistry = new MemoryModelRegistry();
        Champion(weak);
        Assert.True(Gate(strong.Metrics, strong.Holdout).Passed);
        var demanding = Gate(strong.Metrics, strong.Holdout, margin: 1.0);
        Assert.False(demanding.Passed);
        Assert.Contains("does not exceed margin 1", demanding.Reasons[0]);
        // Accuracy is a per-row mean too: the strong model's hit rate is far above a coin-flip model's.
        Assert.True(Gate(strong.Metrics, strong.Holdout, metric: "accuracy").Passed);
    }

    [Fact]
    public void With_no_champion_the_requirement_passes_and_says_so()
    {
        var strong = Logistic("a", "b", "noise");
        var outputs = Gate(strong.Metrics, strong.Holdout);
        Assert.True(outputs.Passed);
        Assert.Equal("logloss: no champion yet for 'updown' — passes", outputs.Reasons[0]);
    }

    [Fact]
    public async Task A_linear_candidate_is_compared_with_a_tree_champion()
    {
        var trees = await new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = _table, Target = "y", Objective = GbdtObjective.Regression, Features = ["a", "b"], Gap = 5,
            Params = new Dictionary<string, string> { ["num_iterations"] = "5", ["min_data_in_leaf"] = "10" },
        }, _context, default);
        Champion(trees.Model, trees.Metrics);
        var ridge = await new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = _table, Target = "y", Objective = LinearObjective.Ridge, Features = ["a", "b"], L2 = 0.1, Gap = 5,
        }, _context, default);

        // The truth is linear with noise of ±0.25: five boosting rounds are far from it, ridge is close.
        var outputs = Gate(ridge.Metrics, ridge.Holdout, metric: "mae");
        Assert.True(outputs.Passed, outputs.Reasons[0]);
        var check = Check(outputs);
        Assert.Equal((double)JsonNode.Parse(File.ReadAllText(_context.FullPath(trees.Metrics)))!["holdout"]!["mae"]!, (double)check["rival_value"]!, 9);
    }

    [Fact]
    public void Missing_or_unsuitable_inputs_are_named()
    {
        var strong = Logistic("a", "b", "noise");
        Champion(Logistic("noise"));
        Assert.Equal("require[0].metric", Assert.Throws<StepInputException>(() => Gate(strong.Metrics, strong.Holdout, metric: "auc")).Input);
        Assert.Equal("holdout", Assert.Throws<StepInputException>(() => RunGate(new GateInputs
        {
            Metrics = strong.Metrics, Data = _table, Require = [new GateRequirement { Metric = "logloss", Beats = "champion", Model = "updown" }],
        })).Input);
        Assert.Equal("require[0].model", Assert.Throws<StepInputException>(() => RunGate(new GateInputs
        {
            Metrics = strong.Metrics, Holdout = strong.Holdout, Data = _table, Require = [new GateRequirement { Metric = "logloss", Beats = "champion" }],
        })).Input);
        var otherTable = LinearTables.Table(_context, LinearTables.Rows(500, seed: 22));
        Assert.Equal("data", Assert.Throws<StepInputException>(() => RunGate(new GateInputs
        {
            Metrics = strong.Metrics, Holdout = strong.Holdout, Data = otherTable,
            Require = [new GateRequirement { Metric = "logloss", Beats = "champion", Model = "updown" }],
        })).Input);
    }
}
