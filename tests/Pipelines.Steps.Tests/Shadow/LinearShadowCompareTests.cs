using Pipelines.Learning.Linear;
using Pipelines.Steps.Shadow;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Train;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Shadow;

/// <summary>shadow/compare replaying linear models, loaded through the same loader as tree models.</summary>
public sealed class LinearShadowCompareTests : IDisposable
{
    private readonly RecordedShadowLog _log = new();
    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry() };

    public LinearShadowCompareTests() => _context.ShadowLog = _log;

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task A_linear_challenger_with_the_signal_beats_a_linear_champion_without_it()
    {
        var rows = LinearTables.Rows(400, seed: 31);
        var table = LinearTables.Table(_context, rows);
        async Task<int> Register(params string[] features)
        {
            var trained = await new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
            {
                Input = table, Target = "up", Objective = LinearObjective.Logistic, Features = features, Gap = 5,
            }, _context, default);
            return _context.Registry.Register("updown", trained.Model, File.ReadAllText(_context.FullPath(trained.Metrics)), table.Sha256, "test").Version;
        }
        var champion = await Register("noise");
        _context.Registry.Promote("updown", champion, "champion", "test");
        var challenger = await Register("a", "b", "noise");

        var outputs = await new ShadowCompareStep().ExecuteAsync(new ShadowCompareInputs
        {
            Model = "updown", Challenger = challenger, Data = table, Target = "up", MinPredictions = 100,
        }, _context, default);

        // Both sides' mean log loss over every replayed row, from the saved weights.
        double MeanLogLoss(int version, params int[] columns)
        {
            var model = LinearModelFile.Load(_context.FullPath(_context.Registry.Find("updown", version.ToString())!.Model));
            return rows.Average(r =>
            {
                var p = model.Predict(columns.Select(c => r[c]!.Value).ToArray());
                return r[5] == 1 ? -Math.Log(p) : -Math.Log(1 - p);
            });
        }
        Assert.Equal(MeanLogLoss(champion, 3), outputs.ChampionLoss, 9);
        Assert.Equal(MeanLogLoss(challenger, 1, 2, 3), outputs.ChallengerLoss, 9);
        Assert.Equal("promote", outputs.Decision);
        Assert.Equal(400, Assert.Single(_log.Records).Predictions.Count);

        // The decision is published with the figures it rests on, as the step computed them.
        var decided = Assert.Single(_context.EventLog.Published);
        Assert.Equal(("shadow.decided", "updown"), (decided.Type, decided.Model));
        var payload = System.Text.Json.Nodes.JsonNode.Parse(decided.PayloadJson)!;
        Assert.Equal("promote", (string?)payload["decision"]);
        Assert.Equal((champion, challenger), ((int)payload["champion_version"]!, (int)payload["challenger_version"]!));
        Assert.Equal(MeanLogLoss(champion, 3), (double)payload["champion_loss"]!, 9);
        Assert.Equal(MeanLogLoss(challenger, 1, 2, 3), (double)payload["challenger_loss"]!, 9);
        Assert.Equal(400, (int)payload["scored"]!);
        Assert.True((double)payload["lower_bound"]! > 0);
    }
}
