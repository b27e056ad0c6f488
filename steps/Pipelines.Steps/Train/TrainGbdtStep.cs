using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Trees;
using Pipelines.Learning.Validation;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>
/// Trains LightGBM-style gradient-boosted trees on a table, evaluating on the latest rows held out by time
/// (and optionally walk-forward folds over the training part), and stores the model with everything a
/// reviewer or a gate needs: metrics, importance, hyperparameters, holdout predictions and data hash.
/// </summary>
[Step("train/gbdt", "Train", "Train GBDT",
    Description = "Train a LightGBM-style gradient-boosted tree model (binary, multiclass or regression) on a table, optionally tune its parameters by time-series cross-validation first, hold out the latest rows by time for metrics, optionally walk forward over the rest, and store model.txt, metrics, importance, holdout predictions and every tuning trial.")]
public sealed class TrainGbdtStep : Step<TrainGbdtInputs, TrainGbdtOutputs>
{
    public override Task<TrainGbdtOutputs> ExecuteAsync(TrainGbdtInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.TestFraction is <= 0 or >= 1) throw new StepInputException("test_fraction", "must be between 0 and 1 (exclusive)");
        if (inputs.Gap < 0) throw new StepInputException("gap", "must not be negative");
        if (inputs.Folds is < 0 or 1) throw new StepInputException("folds", "0 for none, or at least 2");

        var path = context.OpenArtifact(inputs.Input);
        using var connection = ParquetTableWriter.OpenScratch();
        var table = TrainingTable.Load(connection, path, inputs.Target, inputs.Features, inputs.Exclude, inputs.Objective);

        var defaults = new GbdtParameters
        {
            Objective = inputs.Objective switch
            {
                GbdtObjective.Binary => TrainingObjective.Binary,
                GbdtObjective.Multiclass => TrainingObjective.Multiclass,
                _ => TrainingObjective.Regression,
            },
            NumClass = inputs.Objective == GbdtObjective.Multiclass ? table.Classes.Count : 1,
            Verbosity = -1,
        };
        GbdtParameters parameters;
        try
        {
            parameters = GbdtParameters.Parse(inputs.Params, defaults);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("params", e.Message);
        }

        var holdoutRows = (int)Math.Ceiling(table.Rows * inputs.TestFraction);
        var trainRows = table.Rows - holdoutRows - inputs.Gap;
        if (trainRows < 2 * parameters.MinDataInLeaf)
            throw new StepInputException("input", $"only {trainRows} training rows after holding out {holdoutRows} and a gap of {inputs.Gap}; need at least {2 * parameters.MinDataInLeaf}");
        var train = table.Slice(0, trainRows);
        var holdout = table.Slice(table.Rows - holdoutRows, holdoutRows);

        TuningResult? tuning = null;
        if (inputs.Tune is { } tune)
        {
            var tuner = new GbdtTuner(tune, inputs.Objective, parameters);
            context.Log.Information("Tuning {Count} parameters over {Trials} trials on {Metric} ({Direction})", tune.Space.Count, tune.Trials, tuner.Metric, tuner.Direction);
            tuning = tuner.Run(train, inputs.Gap, table.Classes.Count, cancellationToken);
            parameters = tuning.Parameters;
            context.Log.Information("Best trial: {Metric} {Score} with {Params}", tuner.Metric, tuning.BestScore, tuning.BestValues);
        }

        context.Log.Information("Training {Objective} GBDT on {Rows} rows x {Features} features", inputs.Objective, trainRows, table.Features.Count);
        var trainer = new GbdtTrainer(parameters);
        var model = trainer.Train(train);
        cancellationToken.ThrowIfCancellationRequested();
        var predictions = model.PredictAll(holdout);
        var holdoutMetrics = ModelMetrics.Compute(inputs.Objective, holdout.RequireLabels(), predictions, table.Classes.Count);

        var walkForward = inputs.Folds >= 2 ? WalkForward(train, parameters, inputs, table.Classes.Count, cancellationToken) : null;

        var modelFile = context.StageArtifact("model", "txt");
        LightGbmModelWriter.Save(model, modelFile.Path);
        var modelArtifact = context.CommitArtifact(modelFile);

        var metrics = new JsonObject
        {
            ["objective"] = inputs.Objective.ToString().ToLowerInvariant(),
            ["target"] = inputs.Target,
            ["classes"] = new JsonArray(table.Classes.Select(c => (JsonNode)c).ToArray()),
            ["features"] = new JsonArray(table.Features.Select(f => (JsonNode)f).ToArray()),
            ["rows"] = new JsonObject { ["train"] = trainRows, ["gap"] = inputs.Gap, ["holdout"] = holdoutRows, ["dropped_unlabelled"] = table.DroppedRows },
            ["training_data_sha256"] = inputs.Input.Sha256,
            ["model_sha256"] = modelArtifact.Sha256,
            ["parameters"] = new JsonObject(parameters.ToModelParameters().Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))),
            ["trees"] = model.Trees.Count,
            ["holdout"] = TrainingArtifacts.ToJson(holdoutMetrics),
        };
        if (walkForward is not null) metrics["walk_forward"] = walkForward;
        Artifact? tuningArtifact = null;
        if (tuning is not null)
        {
            tuningArtifact = TrainingArtifacts.WriteJson(context, "tuning", tuning.Record);
            metrics["tuning"] = new JsonObject
            {
                ["metric"] = tuning.Record["metric"]!.DeepClone(), ["direction"] = tuning.Record["direction"]!.DeepClone(),
                ["best_score"] = tuning.BestScore, ["best_params"] = tuning.Record["best"]!["params"]!.DeepClone(),
                ["trials"] = tuning.Record["trials"]!.AsArray().Count, ["trials_sha256"] = tuningArtifact.Sha256,
            };
        }
        var metricsArtifact = TrainingArtifacts.WriteJson(context, "metrics", metrics);

        var split = model.FeatureImportance(FeatureImportanceType.Split);
        var gain = model.FeatureImportance(FeatureImportanceType.Gain);
        var importance = new JsonArray(table.Features.Select((f, i) => (JsonNode)new JsonObject
        {
            ["feature"] = f, ["split"] = split[i], ["gain"] = gain[i],
        }).OrderByDescending(n => (double)n!["gain"]!).ToArray());
        var importanceArtifact = TrainingArtifacts.WriteJson(context, "importance", importance);

        var holdoutArtifact = TrainingArtifacts.WriteHoldout(connection, context, table.SourceRows.AsSpan(table.Rows - holdoutRows).ToArray(), holdout.RequireLabels(),
            predictions, model.TreesPerIteration);
        var score = inputs.Objective switch
        {
            GbdtObjective.Binary => holdoutMetrics["auc"],
            GbdtObjective.Multiclass => holdoutMetrics["accuracy"],
            _ => holdoutMetrics["rmse"],
        };
        context.Log.Information("Holdout metrics {Metrics}", metrics["holdout"]!.ToJsonString());
        return Task.FromResult(new TrainGbdtOutputs
        {
            Model = modelArtifact, Metrics = metricsArtifact, Importance = importanceArtifact, Holdout = holdoutArtifact,
            Features = table.Features, Score = score,
            Tuning = tuningArtifact, BestParams = tuning?.BestValues ?? new Dictionary<string, string>(), BestScore = tuning?.BestScore,
        });
    }

    private static JsonObject WalkForward(DenseDataset train, GbdtParameters parameters, TrainGbdtInputs inputs, int classes, CancellationToken cancellationToken)
    {
        var folds = new ExpandingWindowSplitter(inputs.Folds, 0, inputs.Gap).Split(train.RowCount);
        var perFold = new JsonArray();
        var sums = new Dictionary<string, double>();
        foreach (var fold in folds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = new GbdtTrainer(parameters).Train(TrainingArtifacts.Subset(train, fold.Train));
            var test = TrainingArtifacts.Subset(train, fold.Test);
            var metrics = ModelMetrics.Compute(inputs.Objective, test.RequireLabels(), model.PredictAll(test), classes);
            perFold.Add(TrainingArtifacts.ToJson(metrics));
            foreach (var (name, value) in metrics) sums[name] = sums.GetValueOrDefault(name) + value;
        }
        return new JsonObject
        {
            ["folds"] = folds.Count,
            ["mean"] = TrainingArtifacts.ToJson(sums.ToDictionary(s => s.Key, s => s.Value / folds.Count)),
            ["per_fold"] = perFold,
        };
    }
}
