using System.Text.Json.Nodes;
using Pipelines.Learning.Linear;
using Pipelines.Steps.Drift;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Train;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Drift;

/// <summary>drift/check against a linear champion, loaded through the same loader as tree models.</summary>
public sealed class LinearDriftCheckTests : IDisposable
{
    private readonly RecordingDriftLog _log = new();
    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry() };

    public LinearDriftCheckTests() => _context.DriftLog = _log;

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task A_shifted_feature_and_a_broken_relation_are_found_with_a_ridge_champion()
    {
        var reference = LinearTables.Rows(400, seed: 41);
        var referenceTable = LinearTables.Table(_context, reference);
        var trained = await new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = referenceTable, Target = "y", Objective = LinearObjective.Ridge, Features = ["a", "b"], Gap = 5,
        }, _context, default);
        var metrics = File.ReadAllText(_context.FullPath(trained.Metrics));
        var version = _context.Registry.Register("demand", trained.Model, metrics, referenceTable.Sha256, "test");
        _context.Registry.Promote("demand", version.Version, "champion", "test");

        // Later rows: b moved up by 3, and y no longer follows b (the relation the model learned is gone).
        var current = LinearTables.Rows(300, seed: 42).Select(r => (double?[])[r[0], r[1], r[2] + 3, r[3], 1 + 3 * r[1]!.Value, r[5]]).ToArray();
        var outputs = await new DriftCheckStep().ExecuteAsync(new DriftCheckInputs
        {
            Current = LinearTables.Table(_context, current), Model = "demand", Reference = referenceTable, Target = "y",
        }, _context, default);

        Assert.True(outputs.Retrain);
        Assert.Equal(["b"], outputs.Drifted);
        var report = JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Report)))!;
        // The current error, from the saved weights by hand: RMSE of the model's predictions against the new y.
        var model = LinearModelFile.Load(_context.FullPath(trained.Model));
        var rmse = Math.Sqrt(current.Average(r =>
        {
            var e = model.Predict([r[1]!.Value, r[2]!.Value]) - r[4]!.Value;
            return e * e;
        }));
        Assert.Equal(rmse, (double)report["performance"]!["current_error"]!, 9);
        Assert.True((bool)report["performance"]!["drift"]!);
        Assert.Contains(_log.Events, e => e.Feature == "prediction");
        Assert.Contains(_log.Events, e => e.Feature == "performance");
    }
}
