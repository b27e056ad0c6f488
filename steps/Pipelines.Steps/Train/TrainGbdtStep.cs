using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.LightGbm;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>
/// Trains gradient-boosted trees with LightGBM itself on a table, evaluating on the latest rows held out by time
/// (and optionally walk-forward folds over the training part), and stores the model text exactly as LightGBM saved
/// it, with everything a reviewer or a gate needs: metrics, importance, parameters, holdout predictions and data hash.
/// </summary>
[Step("train/gbdt", "Train", "Train GBDT",
    Description = "Train gradient-boosted trees with LightGBM (any of its objectives: binary, multiclass, regression, huber, quantile, ...) on a table, with LightGBM's parameters by its own names; optionally tune them by time-series cross-validation first, hold out the latest rows by time for metrics, optionally walk forward over the rest, and store LightGBM's model.txt, metrics, importance, holdout predictions and every tuning trial.")]
public sealed class TrainGbdtStep : Step<TrainGbdtInputs, TrainGbdtOutputs>
{
    public override Task<TrainGbdtOutputs> ExecuteAsync(TrainGbdtInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        TrainingSplit.CheckInputs(inputs.TestFraction, inputs.Gap, inputs.Folds);
        if (inputs.ValidationFraction is < 0 or >= 1) throw new StepInputException("validation_fraction", "must be at least 0 and below 1");
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        var task = inputs.Objective.Task();
        var given = Parameters(inputs);
        using var continued = inputs.ContinueFrom is { } parentName ? ContinuedTraining.Resolve(parentName, inputs.Objective, context) : null;

        var path = context.OpenArtifact(inputs.Input);
        using var connection = ParquetTableWriter.OpenScratch();
        var table = TrainingTable.Load(connection, path, inputs.Target, inputs.Features ?? continued?.Parent.FeatureNames, inputs.Exclude, task);
        continued?.RequireParentFeatures(table.Features);
        if (task == ModelTask.Regression) table.RequireVaryingLabels(inputs.Target);
        if (task == ModelTask.Multiclass) given = given.With("num_class", table.Classes.Count.ToString(CultureInfo.InvariantCulture));

        var minimumLeaf = Read(() => given.GetInt("min_data_in_leaf", 20));
        var split = TrainingSplit.ByTime(table, inputs.TestFraction, inputs.Gap, 2 * Math.Max(1, minimumLeaf));
        var (archive, replay) = ExtraTrainingRows.Mix(connection, path, ref split, inputs.Target, task, inputs.Archive, inputs.Replay, context);
        var fitter = new GbdtFitter(given, inputs.ValidationFraction, inputs.Gap, continued?.Init);
        if (split.HasSynthetic && fitter.ValidationRows(split.Train.RowCount) > 0)
            throw new StepInputException("params", "early_stopping_round watches the latest training rows, and this table's training rows hold synthetic rows, which must never be validated on; train without early stopping, or on the table before augmentation");

        TuningResult? tuning = null;
        if (inputs.Tune is { } tune)
        {
            var tuner = new GbdtTuner(tune, task, fitter);
            context.Log.Information("Tuning {Count} parameters over {Trials} trials on {Metric} ({Direction})", tune.Space.Count, tune.Trials, tuner.Metric, tuner.Direction);
            tuning = tuner.Run(split.Train, inputs.Gap, table.Classes.Count, split.Scored, cancellationToken);
            fitter = fitter.With(tuning.Parameters);
            context.Log.Information("Best trial: {Metric} {Score} with {Params}", tuner.Metric, tuning.BestScore, tuning.BestValues);
        }

        if (continued is not null)
            context.Log.Information("Continuing {Model} v{Version} ({Iterations} iterations) with LightGBM {Objective} on {Rows} rows x {Features} features",
                continued.Version.Name, continued.Version.Version, continued.Init.Iterations, inputs.Objective.LightGbmName(), split.Train.RowCount, table.Features.Count);
        else
            context.Log.Information("Training LightGBM {Objective} on {Rows} rows x {Features} features", inputs.Objective.LightGbmName(), split.Train.RowCount, table.Features.Count);
        var outcome = SupervisedTraining.Run(split, task, inputs.Folds, rows => fitter.Fit(rows, cancellationToken), cancellationToken);
        using var model = outcome.Model;
        var booster = ((LightGbmFit)model).Booster;

        var modelFile = context.StageArtifact("model", "txt");
        File.WriteAllText(modelFile.Path, booster.ModelText(), new UTF8Encoding(false));
        var modelArtifact = context.CommitArtifact(modelFile);

        Artifact? tuningArtifact = tuning is null ? null : TrainingArtifacts.WriteJson(context, "tuning", tuning.Record);
        var metrics = new TrainingMetrics
        {
            Task = task,
            ModelType = "gbdt",
            TrainedObjective = inputs.Objective.LightGbmName(),
            Target = inputs.Target,
            Classes = table.Classes,
            Features = table.Features,
            Rows = new TrainingRowCounts
            {
                Train = split.TrainRows, Validation = fitter.ValidationRows(split.Train.RowCount), Gap = inputs.Gap, Holdout = split.HoldoutRows,
                Dropped = table.DroppedRows,
            },
            TrainingDataSha256 = inputs.Input.Sha256,
            ModelSha256 = modelArtifact.Sha256,
            Parameters = booster.Parameters.Entries.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Iterations = booster.Iterations,
            Holdout = TrainingMetrics.Stored(outcome.HoldoutMetrics),
            WalkForward = outcome.WalkForward,
            Tuning = tuning is null ? null : new TuningSummary
            {
                Metric = (string)tuning.Record["metric"]!, Direction = (string)tuning.Record["direction"]!, BestScore = tuning.BestScore,
                BestParams = tuning.BestValues, Trials = tuning.Record["trials"]!.AsArray().Count, TrialsSha256 = tuningArtifact!.Sha256,
            },
            Archive = archive,
            Replay = replay,
            ContinuedFrom = continued?.Record,
        };
        var metricsArtifact = TrainingArtifacts.WriteMetrics(context, metrics);

        var splitCounts = booster.FeatureImportance(gain: false);
        var gain = booster.FeatureImportance(gain: true);
        var importance = new JsonArray(table.Features.Select((f, i) => (JsonNode)new JsonObject
        {
            ["feature"] = f, ["split"] = (int)splitCounts[i], ["gain"] = gain[i],
        }).OrderByDescending(n => (double)n!["gain"]!).ToArray());
        var importanceArtifact = TrainingArtifacts.WriteJson(context, "importance", importance);

        var holdoutArtifact = TrainingArtifacts.WriteHoldout(connection, context, split.HoldoutSourceRows, split.Holdout.RequireLabels(), outcome.HoldoutPredictions, model.Outputs);
        var outOfSampleArtifact = TrainingArtifacts.WriteOutOfSample(connection, context, split.Table, outcome.OutOfSample, model.Outputs);
        context.Log.Information("Holdout metrics {Metrics}", metrics.Holdout);
        return Task.FromResult(new TrainGbdtOutputs
        {
            Model = modelArtifact, Metrics = metricsArtifact, Importance = importanceArtifact, Holdout = holdoutArtifact, OutOfSample = outOfSampleArtifact,
            Features = table.Features, Score = outcome.Score,
            Tuning = tuningArtifact, BestParams = tuning?.BestValues ?? new Dictionary<string, string>(), BestScore = tuning?.BestScore,
            ArchiveEvents = archive?.Events ?? [], ArchiveRows = archive is null ? 0 : archive.Appended + archive.Reweighted,
            ReplayRows = replay is null ? 0 : replay.Appended + replay.Reweighted,
        });
    }

    /// <summary>The params input checked against LightGBM's names, with the step's objective.</summary>
    private static LightGbmParameters Parameters(TrainGbdtInputs inputs)
    {
        var keys = new LightGbmParameterKeys();
        foreach (var name in inputs.Params.Keys)
        {
            if (keys.Problem(name) is { } problem) throw new StepInputException("params", problem);
        }
        return Read(() => LightGbmParameters.From(inputs.Params)).With("objective", inputs.Objective.LightGbmName());
    }

    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("params", e.Message);
        }
    }
}
