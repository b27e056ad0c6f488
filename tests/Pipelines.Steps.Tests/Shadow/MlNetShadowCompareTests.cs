using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Steps.Shadow;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Train;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Tests.Shadow;

/// <summary>
/// shadow/compare replaying two train/mlnet models registered as ONNX: an L-BFGS champion scored by ONNX Runtime and
/// a FastForest challenger read into our trees; each side's loss is what ONNX Runtime's own batch run of its file gives.
/// </summary>
public sealed class MlNetShadowCompareTests : IDisposable
{
    private readonly RecordedShadowLog _log = new();
    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry() };

    public MlNetShadowCompareTests() => _context.ShadowLog = _log;

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task A_forest_with_the_signal_beats_a_logistic_champion_without_it_each_scored_by_its_engine()
    {
        // Float-representable features, so ONNX Runtime (float) and our trees (double) read the same values.
        var rows = LinearTables.Rows(400, seed: 31).Select(r => new double?[] { r[0], (float)r[1]!.Value, (float)r[2]!.Value, (float)r[3]!.Value, r[4], r[5] }).ToArray();
        var table = LinearTables.Table(_context, rows);
        async Task<int> Register(MlNetTrainer trainer, ModelTask? task, params string[] features)
        {
            var trained = await new TrainMlNetStep().ExecuteAsync(new TrainMlNetInputs
            {
                Input = table, Trainer = trainer, Task = task, Target = "up", Features = features, Gap = 5,
            }, _context, default);
            return _context.Registry.Register("updown", trained.Model, File.ReadAllText(_context.FullPath(trained.Metrics)), table.Sha256, "test").Version;
        }
        var champion = await Register(MlNetTrainer.LbfgsLogisticRegression, null, "noise");
        _context.Registry.Promote("updown", champion, "champion", "test");
        var challenger = await Register(MlNetTrainer.FastForest, ModelTask.Binary, "a", "b", "noise");

        var outputs = await new ShadowCompareStep().ExecuteAsync(new ShadowCompareInputs
        {
            Model = "updown", Challenger = challenger, Data = table, Target = "up", MinPredictions = 100,
        }, _context, default);

        double MeanLogLoss(int version, params int[] columns)
        {
            using var session = new InferenceSession(_context.FullPath(_context.Registry.Find("updown", version.ToString())!.Model));
            var input = new DenseTensor<float>(rows.SelectMany(r => columns.Select(c => (float)r[c]!.Value)).ToArray(), [rows.Length, columns.Length]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputNames[0], input)]);
            var p = results.Single(r => r.Name == session.ModelMetadata.CustomMetadataMap[OnnxScoringContract.OutputKey]).AsTensor<float>().ToArray();
            return rows.Select((r, i) => r[5] == 1 ? -Math.Log(p[i]) : -Math.Log(1 - p[i])).Average();
        }
        Assert.Equal(MeanLogLoss(champion, 3), outputs.ChampionLoss, 5);
        Assert.Equal(MeanLogLoss(challenger, 1, 2, 3), outputs.ChallengerLoss, 5);
        Assert.Equal("promote", outputs.Decision);
        Assert.Equal(400, Assert.Single(_log.Records).Predictions.Count);
    }
}
