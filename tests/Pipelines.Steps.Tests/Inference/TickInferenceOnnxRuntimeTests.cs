using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.MlNet;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Inference;

/// <summary>
/// A registered model our tree reader cannot take — train/mlnet's L-BFGS logistic regression, as ONNX — is scored in
/// the tick path by ONNX Runtime: every stored score is ONNX Runtime's own for the stored features, nothing is
/// allocated per row, and the sampled decisions pass unexplained (no TreeSHAP for a linear ONNX graph).
/// </summary>
public sealed class TickInferenceOnnxRuntimeTests : IDisposable
{
    private readonly StoreStepContext _context = new();
    private readonly TestStepContext _training = new();

    public void Dispose()
    {
        _context.Dispose();
        _training.Dispose();
    }

    private byte[] LogisticModel()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 600).Select(r =>
        {
            var ret = (random.NextDouble() - 0.5) * 1e-3;
            var std = random.NextDouble() * 1e-3;
            var flow = random.NextDouble() * 2 - 1;
            var up = random.NextDouble() < 1 / (1 + Math.Exp(-3 * flow)) ? 1 : 0;
            return new double?[] { r, ret, std, flow, up };
        });
        var table = TableFiles.Parquet(_training, ["trade_id", .. TickModels.FeatureNames, "up"], rows);
        var outputs = new TrainMlNetStep().ExecuteAsync(new TrainMlNetInputs
        {
            Input = table, Trainer = MlNetTrainer.LbfgsLogisticRegression, Target = "up", Features = TickModels.FeatureNames,
        }, _training, default).GetAwaiter().GetResult();
        return File.ReadAllBytes(_training.FullPath(outputs.Model));
    }

    [Fact]
    public void The_tick_loop_stores_ONNX_Runtime_scores_and_explains_nothing()
    {
        var onnx = LogisticModel();
        var version = _context.RegisterModel("flow", onnx, "onnx");
        _context.Registry.Promote("flow", version.Version, "champion", "test");
        var model = new ChampionWatcher(_context.Registry, _context.OpenArtifact, "flow", "champion", _context.Log).LoadCurrent()!;
        Assert.Null(model.Compiled);
        Assert.Null(model.Explainer);

        using var decisions = _context.Decisions.OpenDecisions("flow", TickModels.FeatureNames);
        using var explanations = _context.Decisions.OpenExplanations("flow");
        var source = SyntheticTickSource.FromCsv(RepositoryFiles.SampleKlines, tradesPerBar: 16, seed: 3, maxTicks: 5000);
        var result = new TickInferenceLoop(source, TickModels.Features, model, decisions, explanations, _context.Drift, _context.Log,
            new TickLoopOptions { MaxTicks = 5000, ShapEvery = 100 }).Run(default);
        Assert.Equal(5000, result.Decisions);
        Assert.Equal(0, Convert.ToInt64(_context.Query("SELECT count(*) FROM decision_explanations")[0][0]));

        // Each stored score is what ONNX Runtime itself gives for the stored features (a batch run of the file).
        var stored = _context.Query("SELECT features[1], features[2], features[3], score FROM decisions WHERE trade_id % 97 = 0 AND features[1] IS NOT NULL AND features[2] IS NOT NULL AND features[3] IS NOT NULL");
        Assert.NotEmpty(stored);
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(stored.SelectMany(r => new[] { (float)(double)r[0]!, (float)(double)r[1]!, (float)(double)r[2]! }).ToArray(), [stored.Count, 3]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputNames[0], input)]);
        var probabilities = results.Single(r => r.Name == session.ModelMetadata.CustomMetadataMap[OnnxScoringContract.OutputKey]).AsTensor<float>().ToArray();
        for (var i = 0; i < stored.Count; i++) Assert.Equal(probabilities[i], (double)stored[i][3]!, 6);
    }

    [Fact]
    public void Scoring_a_row_through_ONNX_Runtime_allocates_nothing()
    {
        var path = Path.Combine(_training.WorkspaceRoot, "logistic.onnx");
        File.WriteAllBytes(path, LogisticModel());
        var model = LoadedModel.Load("flow", 1, path);
        double[] features = [1e-4, 2e-4, 0.3];
        var output = new double[1];
        for (var i = 0; i < 100; i++) model.Predict(features, output);
        var allocated = AllocationCounter.LeastPerRound(_ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                features[2] = i / 10_000.0;
                model.Predict(features, output);
            }
        });
        Assert.Equal(0, allocated);
        Assert.InRange(output[0], 0.5, 1.0);
    }
}
