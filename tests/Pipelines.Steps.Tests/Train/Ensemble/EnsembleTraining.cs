using Pipelines.Abstractions;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>Members trained by the real train steps on one seeded table, and an ensemble step over them.</summary>
internal sealed class EnsembleTraining(TestStepContext context)
{
    /// <summary>LinearTables' rows with features exactly representable as float, since ML.NET reads float.</summary>
    public static double?[][] Rows(int count, int seed) => LinearTables.Rows(count, seed)
        .Select(r => new double?[] { r[0], (float)r[1]!.Value, (float)r[2]!.Value, (float)r[3]!.Value, r[4], r[5] }).ToArray();

    public Artifact Table(double?[][] rows) => LinearTables.Table(context, rows);

    public TrainGbdtOutputs Gbdt(Artifact table, string target = "up", int folds = 0, int gap = 0, IReadOnlyList<string>? features = null) =>
        new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = table, Target = target, Objective = target == "up" ? GbdtObjective.Binary : GbdtObjective.Regression,
            Features = features ?? ["a", "b", "noise"], Folds = folds, Gap = gap,
            Params = new Dictionary<string, string> { ["num_iterations"] = "20", ["min_data_in_leaf"] = "10", ["num_leaves"] = "7" },
        }, context, default).GetAwaiter().GetResult();

    public TrainLinearOutputs Linear(Artifact table, string target = "up", int folds = 0, int gap = 0) =>
        new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = table, Target = target, Objective = target == "up" ? Pipelines.Learning.Linear.LinearObjective.Logistic : Pipelines.Learning.Linear.LinearObjective.Ridge,
            Features = ["a", "b", "noise"], Folds = folds, Gap = gap,
        }, context, default).GetAwaiter().GetResult();

    public TrainMlNetOutputs MlNet(Artifact table, MlNetTrainer trainer, string? target, IReadOnlyList<string>? features = null, int clusters = 3, int folds = 0) =>
        new TrainMlNetStep().ExecuteAsync(new TrainMlNetInputs
        {
            Input = table, Trainer = trainer, Target = target, Task = target is null ? null : ModelTask.Binary, Features = features ?? ["a", "b", "noise"],
            FastForest = trainer == MlNetTrainer.FastForest ? new MlNetFastForestOptions { Trees = 20, Leaves = 8, MinRowsPerLeaf = 10 } : null,
            Kmeans = trainer == MlNetTrainer.Kmeans ? new MlNetKmeansOptions { Clusters = clusters } : null,
            LbfgsLogisticRegression = trainer == MlNetTrainer.LbfgsLogisticRegression ? new MlNetLbfgsOptions() : null, Seed = 1, Folds = folds,
        }, context, default).GetAwaiter().GetResult();

    public TrainEnsembleOutputs Ensemble(TrainEnsembleInputs inputs) => new TrainEnsembleStep().ExecuteAsync(inputs, context, default).GetAwaiter().GetResult();

    public PredictiveModel Load(Artifact model) => context.LoadModel(model);

    /// <summary>A holdout or out_of_sample file's (source_row, prediction) pairs.</summary>
    public Dictionary<long, double> Predictions(Artifact holdout, string where = "true")
    {
        using var probe = new ParquetProbe(context.FullPath(holdout));
        return probe.Rows($"SELECT source_row, prediction FROM {{t}} WHERE {where}").ToDictionary(r => (long)r[0]!, r => (double)r[1]!);
    }
}
