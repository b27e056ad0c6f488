using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;
using Pipelines.Learning.Trees;
using Pipelines.Learning.Validation;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>
/// Trains a logistic or ridge regression on a table, or continues an earlier linear model on new rows
/// (partial fit), with the same time holdout, metrics, importance and holdout predictions as train/gbdt so that
/// gates, registry and shadow comparisons treat both kinds of model alike. Never reused from an earlier run:
/// warm_start_model continues whichever version the registry names now, and a linear fit costs little.
/// </summary>
[Step("train/linear", "Train", "Train linear model", Cacheable = false,
    Description = "Train a logistic (binary) or ridge (regression) model with an L2 penalty and optional standardisation, or continue an earlier linear model with partial_fit on new rows; hold out the latest rows by time and store the model JSON, metrics, importance (|standardised coefficient|) and holdout predictions.")]
public sealed class TrainLinearStep : Step<TrainLinearInputs, TrainLinearOutputs>
{
    public override Task<TrainLinearOutputs> ExecuteAsync(TrainLinearInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.TestFraction is <= 0 or >= 1) throw new StepInputException("test_fraction", "must be between 0 and 1 (exclusive)");
        if (inputs.Gap < 0) throw new StepInputException("gap", "must not be negative");
        if (inputs.Folds is < 0 or 1) throw new StepInputException("folds", "0 for none, or at least 2");
        if (!(inputs.L2 >= 0) || !double.IsFinite(inputs.L2)) throw new StepInputException("l2", "must be a finite number, not negative");
        if (!(inputs.LearningRate > 0) || !double.IsFinite(inputs.LearningRate)) throw new StepInputException("learning_rate", "must be a positive number");
        if (inputs.WarmStart is not null && inputs.WarmStartModel is not null)
            throw new StepInputException("warm_start", "give either warm_start (a model artifact) or warm_start_model (a registered model), not both");

        var (start, startSha) = LoadWarmStart(inputs, context);
        if (start is not null && inputs.Folds > 0)
            throw new StepInputException("folds", "walk-forward folds refit from scratch, which a warm start does not; use folds: 0");
        if (start is not null && inputs.Features is { Count: > 0 } listed && !listed.SequenceEqual(start.FeatureNames))
            throw new StepInputException("features", $"a warm start keeps the model's features [{string.Join(", ", start.FeatureNames)}]; leave features unset or list exactly those");

        var path = context.OpenArtifact(inputs.Input);
        using var connection = ParquetTableWriter.OpenScratch();
        var task = inputs.Objective == LinearObjective.Logistic ? GbdtObjective.Binary : GbdtObjective.Regression;
        var table = TrainingTable.Load(connection, path, inputs.Target, start?.FeatureNames ?? inputs.Features, inputs.Exclude, task).WithoutMissingFeatures();

        var holdoutRows = (int)Math.Ceiling(table.Rows * inputs.TestFraction);
        var trainRows = table.Rows - holdoutRows - inputs.Gap;
        var needed = start is null ? table.Features.Count + 2 : 1;
        if (trainRows < needed)
            throw new StepInputException("input", $"only {trainRows} training rows with every feature present after holding out {holdoutRows} and a gap of {inputs.Gap}; need at least {needed}");
        var train = table.Slice(0, trainRows);
        var holdout = table.Slice(table.Rows - holdoutRows, holdoutRows);
        var parameters = new LinearParameters { Objective = inputs.Objective, L2 = inputs.L2, Standardize = inputs.Standardize, LearningRate = inputs.LearningRate };

        context.Log.Information(start is null ? "Fitting {Objective} regression on {Rows} rows x {Features} features" : "Continuing {Objective} regression on {Rows} new rows x {Features} features",
            inputs.Objective, trainRows, table.Features.Count);
        var model = Fit(start, train, parameters);
        cancellationToken.ThrowIfCancellationRequested();
        var predictions = model.PredictAll(holdout);
        var holdoutMetrics = ModelMetrics.Compute(task, holdout.RequireLabels(), predictions, table.Classes.Count);
        var walkForward = inputs.Folds >= 2 ? WalkForward(train, parameters, inputs, task, table.Classes.Count, cancellationToken) : null;

        var modelFile = context.StageArtifact("model", "json");
        LinearModelFile.Save(model, modelFile.Path);
        var modelArtifact = context.CommitArtifact(modelFile);

        var metrics = new JsonObject
        {
            // Named as train/gbdt names the task, so drift checks and reports read both alike.
            ["objective"] = task.ToString().ToLowerInvariant(),
            ["model_type"] = "linear",
            ["linear_objective"] = inputs.Objective == LinearObjective.Logistic ? "logistic" : "ridge",
            ["target"] = inputs.Target,
            ["classes"] = new JsonArray(table.Classes.Select(c => (JsonNode)c).ToArray()),
            ["features"] = new JsonArray(table.Features.Select(f => (JsonNode)f).ToArray()),
            ["rows"] = new JsonObject { ["train"] = trainRows, ["gap"] = inputs.Gap, ["holdout"] = holdoutRows, ["dropped_unlabelled_or_incomplete"] = table.DroppedRows },
            ["training_data_sha256"] = inputs.Input.Sha256,
            ["model_sha256"] = modelArtifact.Sha256,
            ["parameters"] = new JsonObject
            {
                ["l2"] = model.L2, ["standardize"] = model.Scaler is not null, ["learning_rate"] = inputs.LearningRate,
            },
            ["samples_seen"] = model.SamplesSeen,
            ["warm_start"] = start is null ? null : new JsonObject
            {
                ["model_sha256"] = startSha, ["samples_seen_before"] = start.SamplesSeen,
            },
            ["holdout"] = TrainingArtifacts.ToJson(holdoutMetrics),
        };
        if (walkForward is not null) metrics["walk_forward"] = walkForward;
        var metricsArtifact = TrainingArtifacts.WriteJson(context, "metrics", metrics);

        var importanceArtifact = TrainingArtifacts.WriteJson(context, "importance", Importance(model, train));
        var holdoutArtifact = TrainingArtifacts.WriteHoldout(connection, context, table.SourceRows.AsSpan(table.Rows - holdoutRows).ToArray(), holdout.RequireLabels(), predictions, 1);
        var score = task == GbdtObjective.Binary ? holdoutMetrics["auc"] : holdoutMetrics["rmse"];
        context.Log.Information("Holdout metrics {Metrics}", metrics["holdout"]!.ToJsonString());
        return Task.FromResult(new TrainLinearOutputs
        {
            Model = modelArtifact, Metrics = metricsArtifact, Importance = importanceArtifact, Holdout = holdoutArtifact,
            Features = table.Features, Score = score, SamplesSeen = model.SamplesSeen,
        });
    }

    private static LinearModel Fit(LinearModel? start, DenseDataset train, LinearParameters parameters)
    {
        try
        {
            return start is null ? LinearTrainer.Fit(train, parameters) : LinearTrainer.PartialFit(start, train, parameters.LearningRate);
        }
        catch (InvalidOperationException e)
        {
            // Singular systems and separable classes are cured by a penalty.
            throw new StepInputException("l2", e.Message);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("input", e.Message);
        }
    }

    /// <summary>The model to continue and its file's hash, resolved once so a concurrent promotion cannot split them.</summary>
    private static (LinearModel? Model, string? Sha256) LoadWarmStart(TrainLinearInputs inputs, IStepContext context)
    {
        string field;
        Artifact artifact;
        if (inputs.WarmStart is { } given)
        {
            field = "warm_start";
            artifact = given;
        }
        else if (inputs.WarmStartModel is { } name)
        {
            field = "warm_start_model";
            var version = context.Registry.Find(name, inputs.WarmStartAlias)
                ?? throw new StepInputException("warm_start_alias", $"model '{name}' has no '{inputs.WarmStartAlias}'");
            artifact = version.Model;
        }
        else return (null, null);

        var path = context.OpenArtifact(artifact);
        if (!LinearModelFile.LooksLikeLinearModel(path))
            throw new StepInputException(field, "is not a linear model (it looks like LightGBM model text); only a train/linear model can be continued");
        LinearModel model;
        try
        {
            model = LinearModelFile.Load(path);
        }
        catch (ModelFormatException e)
        {
            throw new StepInputException(field, e.Message);
        }
        if (model.Objective != inputs.Objective)
            throw new StepInputException("objective", $"the warm-start model is {model.Objective.ToString().ToLowerInvariant()}, not {inputs.Objective.ToString().ToLowerInvariant()}");
        return (model, artifact.Sha256);
    }

    /// <summary>|coefficient| on standardised features: the model's own weights when it standardises, else weight × training deviation.</summary>
    private static JsonArray Importance(LinearModel model, DenseDataset train)
    {
        var deviation = model.Scaler?.Scale ?? FeatureScaler.Fit(train).Scale;
        return new JsonArray(model.FeatureNames.Select((f, j) =>
        {
            var standardised = model.Scaler is null ? model.Weights[j] * deviation[j] : model.Weights[j];
            return (Feature: f, Weight: model.Weights[j], Standardised: standardised);
        }).OrderByDescending(c => Math.Abs(c.Standardised)).Select(c => (JsonNode)new JsonObject
        {
            ["feature"] = c.Feature, ["coefficient"] = c.Weight, ["standardized_coefficient"] = c.Standardised, ["importance"] = Math.Abs(c.Standardised),
        }).ToArray());
    }

    private static JsonObject WalkForward(DenseDataset train, LinearParameters parameters, TrainLinearInputs inputs, GbdtObjective task, int classes, CancellationToken cancellationToken)
    {
        var folds = new ExpandingWindowSplitter(inputs.Folds, 0, inputs.Gap).Split(train.RowCount);
        var perFold = new JsonArray();
        var sums = new Dictionary<string, double>();
        foreach (var fold in folds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = Fit(null, TrainingArtifacts.Subset(train, fold.Train), parameters);
            var test = TrainingArtifacts.Subset(train, fold.Test);
            var metrics = ModelMetrics.Compute(task, test.RequireLabels(), model.PredictAll(test), classes);
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
