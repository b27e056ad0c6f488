using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Linear;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Drift;
using Pipelines.Steps.Explain;
using Pipelines.Steps.Shadow;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train.Ensemble;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>
/// A registered ensemble goes where a registered model goes: shadow/compare, drift/check and explain/shap load it by
/// the same call, its member files found by hash in the store; what they compute equals the members scored alone.
/// </summary>
public sealed class EnsembleLifecycleTests : IDisposable
{
    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry(), ShadowLog = new RecordedShadowLog() };
    private readonly EnsembleTraining _train;
    private readonly double?[][] _rows = EnsembleTraining.Rows(400, seed: 23);
    private readonly Artifact _table;

    public EnsembleLifecycleTests()
    {
        _train = new EnsembleTraining(_context);
        _table = _train.Table(_rows);
    }

    public void Dispose() => _context.Dispose();

    /// <summary>An equal-weight average of a LightGBM and a train/linear model, registered; returns the members' files.</summary>
    private (int Version, Artifact Gbdt, Artifact Linear) RegisterAverage(string name, string target)
    {
        var gbdt = _train.Gbdt(_table, target).Model;
        var linear = _train.Linear(_table, target).Model;
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Average, Input = _table, Target = target,
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = new() { Model = gbdt }, ["linear"] = new() { Model = linear } },
        });
        var version = _context.Registry.Register(name, outputs.Model, File.ReadAllText(_context.FullPath(outputs.Metrics)), _table.Sha256, "test").Version;
        return (version, gbdt, linear);
    }

    /// <summary>The average of the two members, each read from its own file by its own reader.</summary>
    private double[] AverageAlone(Artifact gbdt, Artifact linear, IEnumerable<double?[]> rows)
    {
        var trees = LightGbmModelReader.Load(_context.FullPath(gbdt));
        var model = LinearModelFile.Load(_context.FullPath(linear));
        var output = new double[1];
        return rows.Select(r =>
        {
            double[] x = [r[1]!.Value, r[2]!.Value, r[3]!.Value];
            trees.Predict(x, output);
            return (output[0] + model.Predict(x)) / 2;
        }).ToArray();
    }

    [Fact]
    public async Task Shadow_compare_scores_an_ensemble_challenger_as_its_members_average()
    {
        var champion = _context.Registry.Register("updown", _train.Gbdt(_table, features: ["noise"]).Model, null, _table.Sha256, "test").Version;
        _context.Registry.Promote("updown", champion, "champion", "test");
        var (challenger, gbdt, linear) = RegisterAverage("updown", "up");

        var outputs = await new ShadowCompareStep().ExecuteAsync(new ShadowCompareInputs
        {
            Model = "updown", Challenger = challenger, Data = _table, Target = "up", MinPredictions = 100,
        }, _context, default);

        var p = AverageAlone(gbdt, linear, _rows);
        Assert.Equal(_rows.Select((r, i) => r[5] == 1 ? -Math.Log(p[i]) : -Math.Log(1 - p[i])).Average(), outputs.ChallengerLoss, 9);
    }

    [Fact]
    public async Task Drift_check_measures_an_ensemble_champions_error_as_its_members_average()
    {
        var (version, gbdt, linear) = RegisterAverage("demand", "y");
        _context.Registry.Promote("demand", version, "champion", "test");
        var current = EnsembleTraining.Rows(300, seed: 24).Select(r => (double?[])[r[0], r[1], r[2], r[3], r[4] + 2, r[5]]).ToArray();

        var outputs = await new DriftCheckStep().ExecuteAsync(new DriftCheckInputs
        {
            Current = _train.Table(current), Model = "demand", Reference = _table, Target = "y",
        }, _context, default);

        var predicted = AverageAlone(gbdt, linear, current);
        var rmse = Math.Sqrt(current.Select((r, i) => Math.Pow(predicted[i] - r[4]!.Value, 2)).Average());
        var report = JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Report)))!;
        Assert.Equal(rmse, (double)report["performance"]!["current_error"]!, 9);
    }

    [Fact]
    public async Task Explain_reports_an_ensembles_expected_value_as_the_weighted_members_and_refuses_one_with_a_member_it_cannot_explain()
    {
        var (version, gbdt, linear) = RegisterAverage("demand", "y");
        var outputs = await new ExplainStep().ExecuteAsync(new ExplainInputs { Model = "demand", Alias = version.ToString(), Data = _table, MaxRows = 50 }, _context, default);
        var global = JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Global)))!;
        var trees = LightGbmModelReader.Load(_context.FullPath(gbdt));
        var ridge = LinearModelFile.Load(_context.FullPath(linear));
        var expected = (trees.ExpectedValues()[0] + ridge.RawScore(ridge.Scaler!.Mean)) / 2;
        Assert.Equal(expected, (double)global["expected_values"]![0]!, 9);
        Assert.Equal(50, (int)global["rows"]!);

        var lbfgs = _train.MlNet(_table, MlNetTrainer.LbfgsLogisticRegression, "up");
        var mixed = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Average, Input = _table, Target = "up",
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = new() { Model = _train.Gbdt(_table).Model }, ["lbfgs"] = new() { Model = lbfgs.Model } },
        });
        var mixedVersion = _context.Registry.Register("updown", mixed.Model, null, _table.Sha256, "test").Version;
        var error = await Assert.ThrowsAsync<StepInputException>(() =>
            new ExplainStep().ExecuteAsync(new ExplainInputs { Model = "updown", Alias = mixedVersion.ToString(), Data = _table }, _context, default));
        Assert.Contains("member 'lbfgs' is scored by ONNX Runtime", error.Message);
    }
}
