using Pipelines.Engine.Storage;
using Pipelines.Learning.Compilation;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;
using Serilog.Core;

namespace Pipelines.Cli.Bench;

/// <summary>
/// The tick path with a three-member ensemble: three LightGBM models on the hot-path benchmark's 20 tick features
/// (200 trees × 31 leaves, 100 × 15 and 50 × 63), averaged with equal weights in one manifest loaded as a registered
/// ensemble is (every file hash-checked). Single-row scoring of the ensemble against the sum of its members scored
/// alone, then the tick loop end to end with the ensemble: latency, ticks/s, bytes allocated per tick. The same members
/// stacked by a LightGBM meta-learner (train/ensemble's <c>meta: gbdt</c> defaults) are timed on the same rows; for
/// timing only, that meta-learner learns from the members' predictions on their own training rows, where the step
/// learns from out-of-fold predictions.
/// </summary>
public static class EnsembleHotPathBenchmark
{
    public sealed record Result(double EnsembleNsPerRow, double MembersNsPerRow, double StackedNsPerRow, int MetaTrees, TickLoopResult Tick, int Members, int Trees);

    private static readonly (int Trees, int Leaves)[] Shapes = [(200, 31), (100, 15), (50, 63)];

    public static Result Run(long ticks, int trainRows = 40_000, string? directory = null)
    {
        var features = HotPathModel.Features();
        var train = TickTrainingData.CollectAsync(HotPathModel.Source(1), features, trainRows, 10, CancellationToken.None).GetAwaiter().GetResult();
        var (_, rows) = HotPathModel.Train(200);
        var root = directory is null
            ? Directory.CreateTempSubdirectory("pipelines-ensemble-hotpath-")
            : Directory.CreateDirectory(Path.Combine(directory, $"pipelines-ensemble-hotpath-{Guid.NewGuid():N}"));
        try
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            var members = new List<EnsembleFile>();
            var compiled = new List<CompiledTreeEnsemble>();
            var trees = 0;
            for (var m = 0; m < Shapes.Length; m++)
            {
                var model = LightGbmTrainer.TrainEnsemble(train, new Dictionary<string, string>
                {
                    ["objective"] = "binary", ["num_iterations"] = $"{Shapes[m].Trees}", ["num_leaves"] = $"{Shapes[m].Leaves}", ["learning_rate"] = "0.05",
                    ["min_data_in_leaf"] = "20", ["num_threads"] = "2", ["seed"] = $"{m + 1}",
                });
                trees += model.Trees.Count;
                compiled.Add(CompiledTreeEnsemble.Compile(model));
                var path = Path.Combine(root.FullName, $"member{m}.txt");
                LightGbmModelWriter.Save(model, path);
                var sha = ArtifactStore.HashFile(path);
                files[sha] = path;
                members.Add(new EnsembleFile($"gbdt{m}", "member", sha, "txt", model.FeatureNames));
            }
            var manifestPath = Path.Combine(root.FullName, "ensemble.json");
            File.WriteAllText(manifestPath, new EnsembleManifest
            {
                Kind = EnsembleKind.Average, Task = ModelTask.Binary, Features = features.Names, Members = members, Weights = [1 / 3.0, 1 / 3.0, 1 / 3.0],
            }.ToJson());
            EnsembleModel Load() => EnsembleModel.Load(manifestPath, sha => files[sha]);
            var ensemble = Load();

            var ensembleNs = RowTiming.BestNsPerRow(ensemble.Predict, rows, rows.RowCount, 20);
            var membersNs = compiled.Sum(c => RowTiming.BestNsPerRow(c.Predict, rows, rows.RowCount, 20));
            var (stacked, metaTrees) = Stacked(root.FullName, train, compiled, members, features.Names, files);
            var stackedNs = RowTiming.BestNsPerRow(stacked.Predict, rows, rows.RowCount, 20);

            using var store = PipelineStore.Open(Path.Combine(root.FullName, ".pipelines"), TimeSpan.Zero);
            var decisionLog = new StoreDecisionLog(store, "bench", "tick");
            using var decisions = decisionLog.OpenDecisions("ensemble-hotpath", HotPathModel.FeatureNames);
            using var explanations = decisionLog.OpenExplanations("ensemble-hotpath");
            var loop = new TickInferenceLoop(HotPathModel.Source(3, ticks), features, new LoadedModel("ensemble-hotpath", 1, ensemble, Load), decisions,
                explanations, new StoreDriftLog(store, "bench", "tick"), Logger.None,
                new TickLoopOptions { MaxTicks = ticks, ShapEvery = 1000, WarmUpTicks = Math.Min(10_000, ticks / 10) });
            var result = loop.Run(CancellationToken.None);
            return new Result(ensembleNs, membersNs, stackedNs, metaTrees, result, members.Count, trees);
        }
        finally
        {
            try { root.Delete(recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>The members stacked by a LightGBM meta-learner over their log-odds, as train/ensemble writes one.</summary>
    private static (EnsembleModel Model, int MetaTrees) Stacked(string root, DenseDataset train, IReadOnlyList<CompiledTreeEnsemble> compiled,
        IReadOnlyList<EnsembleFile> members, IReadOnlyList<string> features, Dictionary<string, string> files)
    {
        var names = members.Select(m => m.Name).ToList();
        var metaFeatures = new double[train.RowCount * members.Count];
        Span<double> output = stackalloc double[1];
        for (var r = 0; r < train.RowCount; r++)
        {
            for (var m = 0; m < members.Count; m++)
            {
                compiled[m].Predict(train.Row(r), output);
                metaFeatures[r * members.Count + m] = EnsembleModel.Link(output[0], regression: false);
            }
        }
        var metaTraining = new DenseDataset(metaFeatures, train.RowCount, GbdtMetaLearner.FeatureNames(names, 1), train.RequireLabels());
        using var booster = GbdtMetaLearner.Fit(metaTraining, GbdtMetaLearner.Parameters(new Dictionary<string, string>(), ModelTask.Binary, 1), CancellationToken.None);
        var metaPath = Path.Combine(root, "meta.txt");
        File.WriteAllText(metaPath, booster.ModelText());
        var metaSha = ArtifactStore.HashFile(metaPath);
        files[metaSha] = metaPath;
        var manifestPath = Path.Combine(root, "stacked.json");
        File.WriteAllText(manifestPath, new EnsembleManifest
        {
            Kind = EnsembleKind.Stacking, Task = ModelTask.Binary, Features = features, Members = members,
            Meta = new EnsembleFile("meta", "meta", metaSha, "txt", metaTraining.FeatureNames),
        }.ToJson());
        var model = EnsembleModel.Load(manifestPath, sha => files[sha]);
        return (model, model.MetaTrees!.Trees.Count);
    }
}
