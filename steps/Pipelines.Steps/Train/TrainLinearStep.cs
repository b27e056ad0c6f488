using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;
using Pipelines.Learning.Trees;
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
        TrainingSplit.CheckInputs(inputs.TestFraction, inputs.Gap, inputs.Folds);
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
        var task = inputs.Objective == LinearObjective.Logistic ? ModelTask.Binary : ModelTask.Regression;
        var table = TrainingTable.Load(connection, path, inputs.Target, start?.FeatureNames ?? inputs.Features, inputs.Exclude, task).WithoutMissingFeatures();
        if (task == ModelTask.Regression) table.RequireVaryingLabels(inputs.Target);

        var split = TrainingSplit.ByTime(table, inputs.TestFraction, inputs.Gap, start is null ? table.Features.Count + 2 : 1, "training rows with every feature present");
        // Archived and replayed rows with a missing feature are left out, like the table's own: a linear model cannot take one.
        var (archive, replay) = ExtraTrainingRows.Mix(connection, path, ref split, inputs.Target, task, inputs.Archive, inputs.Replay, context, requireFiniteFeatures: true);
        var parameters = new LinearParameters { Objective = inputs.Objective, L2 = inputs.L2, Standardize = inputs.Standardize, LearningRate = inputs.LearningRate };

        context.Log.Information(start is null ? "Fitting {Objective} regression on {Rows} rows x {Features} features" : "Continuing {Objective} regression on {Rows} new rows x {Features} features",
            inputs.Objective, split.Train.RowCount, table.Features.Count);
        // Walk-forward folds refit from scratch; only the model itself continues a warm start.
        var fits = 0;
        var outcome = SupervisedTraining.Run(split, task, inputs.Folds, rows => new LinearFit(Fit(fits++ == 0 ? start : null, rows, parameters)), cancellationToken);
        var model = ((LinearFit)outcome.Model).Model;

        var modelFile = context.StageArtifact("model", "json");
        LinearModelFile.Save(model, modelFile.Path);
        var modelArtifact = context.CommitArtifact(modelFile);

        var metrics = new TrainingMetrics
        {
            Task = task,
            ModelType = "linear",
            TrainedObjective = inputs.Objective == LinearObjective.Logistic ? "logistic" : "ridge",
            Target = inputs.Target,
            Classes = table.Classes,
            Features = table.Features,
            Rows = new TrainingRowCounts { Train = split.TrainRows, Gap = inputs.Gap, Holdout = split.HoldoutRows, Dropped = table.DroppedRows },
            TrainingDataSha256 = inputs.Input.Sha256,
            ModelSha256 = modelArtifact.Sha256,
            Parameters = new Dictionary<string, string>
            {
                ["l2"] = model.L2.ToString("R", CultureInfo.InvariantCulture),
                ["standardize"] = model.Scaler is not null ? "true" : "false",
                ["learning_rate"] = inputs.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            },
            SamplesSeen = model.SamplesSeen,
            WarmStart = start is null ? null : new WarmStartRecord { ModelSha256 = startSha!, SamplesSeenBefore = start.SamplesSeen },
            Holdout = TrainingMetrics.Stored(outcome.HoldoutMetrics),
            WalkForward = outcome.WalkForward,
            Archive = archive,
            Replay = replay,
        };
        var metricsArtifact = TrainingArtifacts.WriteMetrics(context, metrics);

        var importanceArtifact = TrainingArtifacts.WriteJson(context, "importance", Importance(model, split.Train));
        var holdoutArtifact = TrainingArtifacts.WriteHoldout(connection, context, split.HoldoutSourceRows, split.Holdout.RequireLabels(), outcome.HoldoutPredictions, 1);
        var outOfSampleArtifact = TrainingArtifacts.WriteOutOfSample(connection, context, split.Table, outcome.OutOfSample, 1);
        context.Log.Information("Holdout metrics {Metrics}", metrics.Holdout);
        return Task.FromResult(new TrainLinearOutputs
        {
            Model = modelArtifact, Metrics = metricsArtifact, Importance = importanceArtifact, Holdout = holdoutArtifact, OutOfSample = outOfSampleArtifact,
            Features = table.Features, Score = outcome.Score, SamplesSeen = model.SamplesSeen,
            ArchiveEvents = archive?.Events ?? [], ArchiveRows = archive is null ? 0 : archive.Appended + archive.Reweighted,
            ReplayRows = replay is null ? 0 : replay.Appended + replay.Reweighted,
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
}
