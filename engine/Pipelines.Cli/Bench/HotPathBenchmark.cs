using Pipelines.Engine.Storage;
using Pipelines.Learning.Compilation;
using Pipelines.Learning.Data;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.OnnxRuntime;
using Pipelines.Steps.Inference;
using Serilog.Core;

namespace Pipelines.Cli.Bench;

/// <summary>
/// The compiled hot path's figures, side by side in one process: single-row prediction of one 200-tree, 31-leaf,
/// 20-feature binary model interpreted, compiled and through ONNX Runtime (same rows), then the tick loop end to end
/// on the synthetic source — features, prediction, ADWIN per feature and every decision persisted to a DuckDB store
/// — with its per-tick latency histogram, sustained rate and the hot thread's allocations.
/// </summary>
public static class HotPathBenchmark
{
    public sealed record Result(
        double InterpretedNsPerRow,
        double CompiledNsPerRow,
        double OnnxRuntimeNsPerRow,
        TickLoopResult Tick,
        long DecisionsStored,
        int FeatureCount,
        int TreeCount);

    public static Result Run(long ticks, int trainRows = 40_000, string? directory = null)
    {
        var (model, rows) = HotPathModel.Train(trainRows);
        var compiled = CompiledTreeEnsemble.Compile(model);
        var interpreted = RowTiming.BestNsPerRow(model.Predict, rows, rows.RowCount, 20);
        var compiledNs = RowTiming.BestNsPerRow(compiled.Predict, rows, rows.RowCount, 20);
        var onnx = MeasureOnnxRuntime(model, rows);

        var root = directory is null
            ? Directory.CreateTempSubdirectory("pipelines-hotpath-")
            : Directory.CreateDirectory(Path.Combine(directory, $"pipelines-hotpath-{Guid.NewGuid():N}"));
        try
        {
            using var store = PipelineStore.Open(Path.Combine(root.FullName, ".pipelines"), TimeSpan.Zero);
            var decisionLog = new StoreDecisionLog(store, "bench", "tick");
            using (var decisions = decisionLog.OpenDecisions("hotpath", HotPathModel.FeatureNames))
            using (var explanations = decisionLog.OpenExplanations("hotpath"))
            {
                var loop = new TickInferenceLoop(HotPathModel.Source(3, ticks), HotPathModel.Features(), new LoadedModel("hotpath", 1, model), decisions,
                    explanations, new StoreDriftLog(store, "bench", "tick"), Logger.None,
                    new TickLoopOptions { MaxTicks = ticks, ShapEvery = 1000, WarmUpTicks = Math.Min(10_000, ticks / 10) });
                var result = loop.Run(CancellationToken.None);
                var stored = store.Count("decisions");
                return new Result(interpreted, compiledNs, onnx, result, stored, model.FeatureCount, model.Trees.Count);
            }
        }
        finally
        {
            try { root.Delete(recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>
    /// ONNX Runtime's single-row run on the exported model (RunWithBinding over tensors bound once), checked against
    /// ours within 1e-5.
    /// </summary>
    private static double MeasureOnnxRuntime(TreeEnsembleModel model, DenseDataset rows)
    {
        using var onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(model, OnnxOutputKind.Predictions), "hot-path model");
        using var runner = onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, model.FeatureCount, OnnxTreeEnsembleExporter.ProbabilitiesOutputName, 2);
        var reference = new double[1];
        for (var r = 0; r < rows.RowCount; r++)
        {
            model.Predict(rows.Row(r), reference);
            var probability = runner.Run(rows.Row(r))[1];
            if (Math.Abs(probability - reference[0]) > 1e-5)
                throw new InvalidOperationException($"ONNX Runtime scores row {r} {probability}, the model {reference[0]}: the comparison would be meaningless");
        }
        return RowTiming.BestNsPerRow((row, output) => output[0] = runner.Run(row)[1], rows, rows.RowCount, 20);
    }
}
