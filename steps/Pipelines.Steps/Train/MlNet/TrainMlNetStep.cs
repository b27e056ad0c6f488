using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>
/// Trains one of ML.NET's trainers on a table with the shared training skeleton (time holdout, optional walk-forward
/// folds, the typed metrics record) and stores the model as ONNX, so the registry, gates, shadow and scoring steps
/// take it like any other model: tree models are read into our trees (compiled scorer, TreeSHAP), the others are
/// scored by ONNX Runtime. Holdout predictions are ML.NET's own.
/// </summary>
[Step("train/mlnet", "Train", "Train ML.NET model",
    Description = "Train an ML.NET model by name — fast_forest (random forest), fast_tree (boosted trees), gam (additive model), lbfgs_logistic_regression (binary or multinomial), online_gradient_descent (online linear regression) or kmeans (unsupervised regimes) — with its options in the input of the same name; hold out the latest rows by time, and store the model as ONNX (scored by ONNX Runtime, tree models also by our compiled scorer and TreeSHAP), metrics, importance and holdout predictions.")]
public sealed class TrainMlNetStep : Step<TrainMlNetInputs, TrainMlNetOutputs>
{
    public override Task<TrainMlNetOutputs> ExecuteAsync(TrainMlNetInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        TrainingSplit.CheckInputs(inputs.TestFraction, inputs.Gap, inputs.Folds);
        CheckOptions(inputs);
        var clustering = inputs.Trainer == MlNetTrainer.Kmeans;
        if (clustering && inputs.Folds > 0) throw new StepInputException("folds", "kmeans has no target to score folds on; use folds: 0");
        if (!clustering && string.IsNullOrWhiteSpace(inputs.Target)) throw new StepInputException("target", $"{MlNetTrainers.Name(inputs.Trainer)} learns a target; name its column");
        if (clustering && inputs.Target is not null) throw new StepInputException("target", "kmeans learns without a target; leave target unset");

        var path = context.OpenArtifact(inputs.Input);
        using var connection = ParquetTableWriter.OpenScratch();
        var (table, task) = clustering ? (ClusteringTable(connection, path, inputs), ModelTask.Clustering) : SupervisedTable(connection, path, inputs);
        var split = TrainingSplit.ByTime(table, inputs.TestFraction, inputs.Gap, 2, "training rows with every feature present");
        if (clustering && (inputs.Kmeans ?? new MlNetKmeansOptions()).Clusters is var clusters && clusters > split.TrainRows)
            throw new StepInputException("kmeans", $"clusters is {clusters}, more than the {split.TrainRows} training rows; ask for at most {split.TrainRows}");

        context.Log.Information("Training ML.NET {Trainer} ({Task}) on {Rows} rows x {Features} features", MlNetTrainers.Name(inputs.Trainer), task, split.TrainRows, table.Features.Count);
        var classes = table.Classes.Count;
        TrainingOutcome outcome = clustering
            ? ClusteringOutcome(MlNetTrainers.Fit(inputs, task, classes, split.Train), split.Holdout)
            : SupervisedTraining.Run(split, task, inputs.Folds, rows => MlNetTrainers.Fit(inputs, task, classes, rows), cancellationToken);
        using var model = outcome.Model;
        var fit = (MlNetFit)model;

        var modelFile = context.StageArtifact("model", "onnx");
        File.WriteAllBytes(modelFile.Path, MlNetOnnxExport.Export(fit, inputs.Trainer, split.Train));
        var modelArtifact = context.CommitArtifact(modelFile);

        var metrics = new TrainingMetrics
        {
            Task = task,
            ModelType = "mlnet",
            TrainedObjective = MlNetTrainers.Name(inputs.Trainer),
            Target = inputs.Target ?? "",
            Classes = table.Classes,
            Features = table.Features,
            Rows = new TrainingRowCounts { Train = split.TrainRows, Gap = inputs.Gap, Holdout = split.HoldoutRows, Dropped = table.DroppedRows },
            TrainingDataSha256 = inputs.Input.Sha256,
            ModelSha256 = modelArtifact.Sha256,
            Parameters = Parameters(inputs),
            Holdout = TrainingMetrics.Stored(outcome.HoldoutMetrics),
            WalkForward = outcome.WalkForward,
        };
        var metricsArtifact = TrainingArtifacts.WriteMetrics(context, metrics);
        var importanceArtifact = TrainingArtifacts.WriteJson(context, "importance", Importance(fit.Parameters, table.Features));
        var labels = clustering ? Enumerable.Repeat(double.NaN, split.HoldoutRows).ToArray() : split.Holdout.RequireLabels();
        var holdoutArtifact = TrainingArtifacts.WriteHoldout(connection, context, split.HoldoutSourceRows, labels, outcome.HoldoutPredictions, model.Outputs);
        var outOfSampleArtifact = clustering ? null : TrainingArtifacts.WriteOutOfSample(connection, context, split.Table, outcome.OutOfSample, model.Outputs);
        context.Log.Information("Holdout metrics {Metrics}", metrics.Holdout);
        return Task.FromResult(new TrainMlNetOutputs
        {
            Model = modelArtifact, Metrics = metricsArtifact, Importance = importanceArtifact, Holdout = holdoutArtifact, OutOfSample = outOfSampleArtifact,
            Features = table.Features, Score = outcome.Score,
        });
    }

    /// <summary>Options belong to the chosen trainer: another trainer's options are a mistake worth naming.</summary>
    private static void CheckOptions(TrainMlNetInputs inputs)
    {
        var given = new (MlNetTrainer Trainer, object? Options)[]
        {
            (MlNetTrainer.FastForest, inputs.FastForest), (MlNetTrainer.FastTree, inputs.FastTree), (MlNetTrainer.Gam, inputs.Gam),
            (MlNetTrainer.LbfgsLogisticRegression, inputs.LbfgsLogisticRegression), (MlNetTrainer.OnlineGradientDescent, inputs.OnlineGradientDescent),
            (MlNetTrainer.Kmeans, inputs.Kmeans),
        };
        foreach (var (trainer, options) in given)
        {
            if (options is not null && trainer != inputs.Trainer)
                throw new StepInputException(MlNetTrainers.OptionsInput(trainer), $"options for {MlNetTrainers.Name(trainer)}, but the trainer is {MlNetTrainers.Name(inputs.Trainer)}; put its options under '{MlNetTrainers.OptionsInput(inputs.Trainer)}'");
        }
    }

    private static (TrainingTable Table, ModelTask Task) SupervisedTable(DuckDB.NET.Data.DuckDBConnection connection, string path, TrainMlNetInputs inputs)
    {
        var allowed = MlNetTrainers.Tasks(inputs.Trainer);
        var name = MlNetTrainers.Name(inputs.Trainer);
        if (inputs.Task is { } given && !allowed.Contains(given))
            throw new StepInputException("task", $"{name} learns {string.Join(" or ", allowed.Select(OnnxScoringContract.TaskName))}, not {OnnxScoringContract.TaskName(given)}");
        ModelTask task;
        if (inputs.Task is { } chosen) task = chosen;
        else if (allowed.Count == 1) task = allowed[0];
        else if (inputs.Trainer == MlNetTrainer.LbfgsLogisticRegression) task = ModelTask.Multiclass;
        else throw new StepInputException("task", $"{name} learns binary or regression; say which");

        var table = TrainingTable.Load(connection, path, inputs.Target!, inputs.Features, inputs.Exclude, task).WithoutMissingFeatures();
        // Logistic regression on two classes is the binary model, with more it is multinomial.
        if (inputs.Trainer == MlNetTrainer.LbfgsLogisticRegression && inputs.Task is null && table.Classes.Count == 2) task = ModelTask.Binary;
        if (task == ModelTask.Binary && table.Classes.Count != 2)
            throw new StepInputException("target", $"column '{inputs.Target}' has {table.Classes.Count} classes; a binary model needs exactly 2");
        if (task == ModelTask.Multiclass && table.Classes.Count < 2)
            throw new StepInputException("target", $"column '{inputs.Target}' has {table.Classes.Count} class; a classifier needs at least 2");
        if (task == ModelTask.Regression) table.RequireVaryingLabels(inputs.Target!);
        return (table, task);
    }

    // k-means reads features only: every numeric column unless listed, rows with a missing value left out.
    private static TrainingTable ClusteringTable(DuckDB.NET.Data.DuckDBConnection connection, string path, TrainMlNetInputs inputs)
    {
        var schema = TableReader.Describe(connection, path);
        var names = schema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<string> features;
        if (inputs.Features is { Count: > 0 } chosen)
        {
            if (chosen.FirstOrDefault(f => !names.Contains(f)) is { } missing) throw new StepInputException("features", $"column '{missing}' is not in the table");
            if (chosen.FirstOrDefault(f => !TableReader.IsNumeric(schema.First(c => c.Name == f).Type)) is { } textual)
                throw new StepInputException("features", $"column '{textual}' is not numeric");
            features = chosen;
        }
        else
        {
            features = schema.Where(c => !inputs.Exclude.Contains(c.Name) && TableReader.IsNumeric(c.Type)).Select(c => c.Name).ToList();
            if (features.Count == 0) throw new StepInputException("features", "the table has no numeric feature columns");
        }
        var values = TableReader.ReadNumeric(connection, path, features, out var rows);
        return new TrainingTable
        {
            Features = features, Classes = [], Values = values, Labels = new double[rows], Rows = rows, DroppedRows = 0,
            SourceRows = Enumerable.Range(0, rows).ToArray(),
        }.WithoutMissingFeatures();
    }

    /// <summary>k-means on the holdout: ML.NET's clustering metrics (mean distance to the nearest centroid, Davies–Bouldin index).</summary>
    private static TrainingOutcome ClusteringOutcome(MlNetFit fit, DenseDataset holdout)
    {
        try
        {
            var scored = fit.Transformer.Transform(MlNetData.Features(fit.Context, holdout));
            var evaluation = fit.Context.Clustering.Evaluate(scored, featureColumnName: MlNetData.FeaturesColumn);
            var metrics = new Dictionary<string, double>
            {
                ["average_distance"] = evaluation.AverageDistance, ["davies_bouldin"] = evaluation.DaviesBouldinIndex,
            };
            return new TrainingOutcome(fit, fit.Predict(holdout), metrics, null, evaluation.AverageDistance, []);
        }
        catch
        {
            fit.Dispose();
            throw;
        }
    }

    /// <summary>The options the trainer was given, by the names a pipeline uses, and the seed.</summary>
    private static Dictionary<string, string> Parameters(TrainMlNetInputs inputs)
    {
        object options = inputs.Trainer switch
        {
            MlNetTrainer.FastForest => inputs.FastForest ?? new MlNetFastForestOptions(),
            MlNetTrainer.FastTree => inputs.FastTree ?? new MlNetFastTreeOptions(),
            MlNetTrainer.Gam => inputs.Gam ?? new MlNetGamOptions(),
            MlNetTrainer.LbfgsLogisticRegression => inputs.LbfgsLogisticRegression ?? new MlNetLbfgsOptions(),
            MlNetTrainer.OnlineGradientDescent => inputs.OnlineGradientDescent ?? new MlNetOnlineGradientDescentOptions(),
            _ => inputs.Kmeans ?? new MlNetKmeansOptions(),
        };
        var result = options.GetType().GetProperties().ToDictionary(p => SnakeCase(p.Name), p => Convert.ToString(p.GetValue(options), CultureInfo.InvariantCulture)!.ToLowerInvariant(), StringComparer.Ordinal);
        result["trainer"] = MlNetTrainers.Name(inputs.Trainer);
        result["seed"] = inputs.Seed.ToString(CultureInfo.InvariantCulture);
        return result;
    }

    private static string SnakeCase(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>
    /// Per feature, what ML.NET says it weighs: trees' gain (FastTree/FastForest), |coefficient| (linear models;
    /// the largest over classes for multinomial), the range of a GAM's shape function; nothing for k-means.
    /// </summary>
    private static JsonArray Importance(object? parameters, IReadOnlyList<string> features)
    {
        double[]? weights = parameters switch
        {
            GamModelParametersBase gam => Enumerable.Range(0, features.Count).Select(f => gam.GetBinEffects(f) is { Count: > 0 } e ? e.Max() - e.Min() : 0.0).ToArray(),
            Microsoft.ML.Calibrators.CalibratedModelParametersBase<GamBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator> calibrated =>
                Enumerable.Range(0, features.Count).Select(f => calibrated.SubModel.GetBinEffects(f) is { Count: > 0 } e ? e.Max() - e.Min() : 0.0).ToArray(),
            Microsoft.ML.Trainers.MaximumEntropyModelParameters entropy => MaxAbsoluteWeights(entropy, features.Count),
            TreeEnsembleModelParameters trees => Gains(trees, features.Count),
            Microsoft.ML.Trainers.LinearModelParameters linear => Enumerable.Range(0, features.Count).Select(f => Math.Abs((double)linear.Weights[f])).ToArray(),
            _ => null,
        };
        if (weights is null) return [];
        return new JsonArray(features.Select((f, i) => (Feature: f, Weight: weights[i])).OrderByDescending(w => w.Weight)
            .Select(w => (JsonNode)new JsonObject { ["feature"] = w.Feature, ["importance"] = w.Weight }).ToArray());
    }

    private static double[] Gains(TreeEnsembleModelParameters trees, int count)
    {
        var buffer = default(VBuffer<float>);
        trees.GetFeatureWeights(ref buffer);
        var dense = buffer.DenseValues().ToArray();
        return Enumerable.Range(0, count).Select(i => i < dense.Length ? Math.Abs((double)dense[i]) : 0.0).ToArray();
    }

    private static double[] MaxAbsoluteWeights(Microsoft.ML.Trainers.MaximumEntropyModelParameters model, int count)
    {
        var weights = default(VBuffer<float>[]);
        model.GetWeights(ref weights, out var classes);
        return Enumerable.Range(0, count).Select(f => weights!.Take(classes).Max(w => Math.Abs((double)w.GetItemOrDefault(f)))).ToArray();
    }
}
