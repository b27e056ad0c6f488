using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.DuckDb;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Linear;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// Combines trained models into one: stacking (a linear or LightGBM meta-learner fitted on the members' out-of-fold
/// predictions from their walk-forward folds, never on rows a member was fitted on), a weighted average of their probabilities or
/// values, or regime switching (a k-means model or a column picks the member for each row). The result is a manifest
/// naming every model file by hash, registered as one version and scored wherever a single model is.
/// </summary>
[Step("train/ensemble", "Train", "Train ensemble",
    Description = "Combine models trained by other steps or registered versions into one ensemble: stacking (a linear or LightGBM meta-learner on the members' out-of-fold walk-forward predictions; LightGBM also stacks multiclass members), average (weighted soft voting) or regime (a k-means model or a column routes each row to a member, with a default). Members must read the same features. Stores a manifest naming every member file by SHA-256 (checked at load), to register as one version; holdout metrics and predictions as the other train steps write them.")]
public sealed class TrainEnsembleStep : Step<TrainEnsembleInputs, TrainEnsembleOutputs>
{
    public override Task<TrainEnsembleOutputs> ExecuteAsync(TrainEnsembleInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        CheckInputs(inputs);
        var known = new Dictionary<string, Artifact>(StringComparer.Ordinal);
        var members = inputs.Members.Select(m => LoadMember(context, m.Key, m.Value, known)).ToList();
        var reference = members[0];
        foreach (var member in members.Skip(1))
        {
            if (member.Model.FeatureNames.Count != reference.Model.FeatureNames.Count || member.Model.FeatureNames.Except(reference.Model.FeatureNames).Any())
                throw new StepInputException($"members.{member.Name}",
                    $"member '{member.Name}' reads features [{string.Join(", ", member.Model.FeatureNames)}], but member '{reference.Name}' reads [{string.Join(", ", reference.Model.FeatureNames)}]; every member of an ensemble must read the same features");
            if (member.Model.Outputs != reference.Model.Outputs || member.Model.IsRegression != reference.Model.IsRegression)
                throw new StepInputException($"members.{member.Name}",
                    $"member '{member.Name}' predicts {Task(member.Model)}, but member '{reference.Name}' predicts {Task(reference.Model)}; members must predict the same thing");
        }
        var task = Task(reference.Model);
        if (inputs.Kind == EnsembleKind.Stacking && task == ModelTask.Multiclass && inputs.Meta == EnsembleMetaLearner.Linear)
            throw new StepInputException("kind", "the linear meta-learner stacks binary or regression members; these are multiclass: use meta: gbdt (LightGBM's multiclass objective over every member's class probabilities), or kind average or regime");

        var features = reference.Model.FeatureNames.ToList();
        var routing = inputs.Regime is { } regime ? Routing(context, regime, features, known) : null;

        using var connection = ParquetTableWriter.OpenScratch();
        var table = LoadTable(connection, context.OpenArtifact(inputs.Input), inputs.Target, features, task);
        var tableRow = new Dictionary<int, int>(table.Rows);
        for (var r = 0; r < table.Rows; r++) tableRow[table.SourceRows[r]] = r;

        EnsembleFile? metaFile = null;
        Artifact? metaTraining = null;
        Artifact? metaModel = null;
        IReadOnlyDictionary<string, double>? metaGain = null;
        LightGbmParameters? metaParameters = null;
        int[] holdoutRows;
        var trainRows = 0;
        if (inputs.Kind == EnsembleKind.Stacking)
        {
            var blocks = members.Select(m => OutOfFold.Read(connection, context, m.Name,
                inputs.Members[m.Name].OutOfSample ?? throw new StepInputException($"members.{m.Name}",
                    $"stacking learns from each member's out-of-fold predictions: give member '{m.Name}' its out_of_sample (e.g. ${{{{ steps.{m.Name}.outputs.out_of_sample }}}}), trained with folds: 2 or more"))).ToList();
            OutOfFold.RequireSameRows(blocks);
            foreach (var (block, member) in blocks.Zip(members))
            {
                if (block.Outputs != member.Model.Outputs)
                    throw new StepInputException($"members.{member.Name}.out_of_sample",
                        $"member '{member.Name}' predicts {member.Model.Outputs} value(s) per row, its out_of_sample holds {block.Outputs}; give the out_of_sample of the step that trained this model");
            }
            var training = MetaFeatures(blocks, task);
            trainRows = blocks[0].WalkForwardRows;
            metaTraining = WriteMetaTraining(connection, context, blocks, training);
            Artifact metaArtifact;
            if (inputs.Meta == EnsembleMetaLearner.Gbdt)
            {
                using var booster = GbdtMetaLearner.Fit(training, GbdtMetaLearner.Parameters(inputs.MetaParams, task, reference.Model.Outputs), cancellationToken);
                var staged = context.StageArtifact("model", "txt");
                File.WriteAllText(staged.Path, booster.ModelText(), new UTF8Encoding(false));
                metaArtifact = context.CommitArtifact(staged);
                metaGain = MemberGain(booster, members.Count, reference.Model.Outputs, members.Select(m => m.Name).ToList());
                metaParameters = booster.Parameters;
            }
            else
            {
                var meta = LinearTrainer.Fit(training, new LinearParameters { Objective = task == ModelTask.Regression ? LinearObjective.Ridge : LinearObjective.Logistic, L2 = inputs.MetaL2 ?? 1.0 });
                var staged = context.StageArtifact("model", "json");
                LinearModelFile.Save(meta, staged.Path);
                metaArtifact = context.CommitArtifact(staged);
            }
            known[metaArtifact.Sha256] = metaArtifact;
            metaModel = metaArtifact;
            metaFile = new EnsembleFile("meta", "meta", metaArtifact.Sha256, metaArtifact.Format, training.FeatureNames);
            holdoutRows = blocks[0].HoldoutSourceRows;
        }
        else
        {
            var split = TrainingSplit.ByTime(table, inputs.TestFraction, inputs.Gap, 1);
            holdoutRows = split.HoldoutSourceRows;
            foreach (var member in members)
            {
                if (inputs.Members[member.Name].OutOfSample is not { } memberOutOfSample) continue;
                var block = OutOfFold.Read(connection, context, member.Name, memberOutOfSample, requireWalkForward: false);
                if (!block.HoldoutSourceRows.SequenceEqual(holdoutRows))
                    throw new StepInputException($"members.{member.Name}.out_of_sample",
                        $"member '{member.Name}' was held out on {block.HoldoutSourceRows.Length} other rows than the ensemble's {holdoutRows.Length} latest; give test_fraction and gap as the member was trained with, so the holdout is out of sample for it");
            }
        }

        var manifest = new EnsembleManifest
        {
            Kind = inputs.Kind, Task = task, Features = features,
            Members = members.Select(m => new EnsembleFile(m.Name, "member", m.File.Sha256, m.File.Format, m.Model.FeatureNames, m.Registered)).ToList(),
            Weights = inputs.Kind == EnsembleKind.Average ? Weights(inputs, members.Select(m => m.Name).ToList()) : null,
            Meta = metaFile,
            Regime = routing,
        };
        var manifestFile = context.StageArtifact("model", "json");
        File.WriteAllText(manifestFile.Path, manifest.ToJson());
        var model = context.CommitArtifact(manifestFile);
        // The manifest is loadable only with every file it names: said to the store, so retention keeps them while it is in use.
        foreach (var named in known.Values) context.RecordReference(model, named);
        // Read back as every later reader will: files found by hash and checked.
        var ensemble = EnsembleModel.Load(context.OpenArtifact(model), sha => context.OpenArtifact(known[sha]));

        var outputs = ensemble.Outputs;
        var labels = new double[holdoutRows.Length];
        var predictions = new double[holdoutRows.Length * outputs];
        var width = features.Count;
        for (var i = 0; i < holdoutRows.Length; i++)
        {
            if (!tableRow.TryGetValue(holdoutRows[i], out var r))
                throw new StepInputException("input", $"the members' holdout row {holdoutRows[i]} has no label in column '{inputs.Target}' of the table; give the table the members were trained on");
            labels[i] = table.Labels[r];
            ensemble.Predict(table.Values.AsSpan(r * width, width), predictions.AsSpan(i * outputs, outputs));
        }
        var holdoutMetrics = ModelMetrics.Compute(task, labels, predictions, table.Classes.Count);
        var score = ModelMetrics.Headline(task, holdoutMetrics);
        var holdout = TrainingArtifacts.WriteHoldout(connection, context, holdoutRows, labels, predictions, outputs);
        var holdoutIndexes = holdoutRows.Select(s => tableRow[s]).ToArray();
        var outOfSample = TrainingArtifacts.WriteOutOfSample(connection, context, table,
            [new OutOfSampleBlock(1, OutOfSampleBlock.Holdout, holdoutIndexes, labels, predictions)], outputs);

        var metrics = new TrainingMetrics
        {
            Task = task, ModelType = "ensemble", TrainedObjective = TrainEnsembleInputs.Name(inputs.Kind), Target = inputs.Target,
            Classes = table.Classes, Features = features,
            Rows = new TrainingRowCounts { Train = trainRows, Gap = inputs.Gap, Holdout = holdoutRows.Length, Dropped = table.DroppedRows },
            TrainingDataSha256 = inputs.Input.Sha256, ModelSha256 = model.Sha256,
            Parameters = Parameters(inputs, manifest, metaParameters),
            Holdout = TrainingMetrics.Stored(holdoutMetrics),
            Ensemble = Summary(manifest, ensemble, metaGain),
        };
        var metricsArtifact = TrainingArtifacts.WriteMetrics(context, metrics);
        context.Log.Information("Combined {Count} members by {Kind}: holdout {Metrics}", members.Count, TrainEnsembleInputs.Name(inputs.Kind), metrics.Holdout);
        return System.Threading.Tasks.Task.FromResult(new TrainEnsembleOutputs
        {
            Model = model, Metrics = metricsArtifact, Holdout = holdout, OutOfSample = outOfSample, MetaTraining = metaTraining, MetaModel = metaModel,
            Features = features, Members = members.Select(m => m.Name).ToList(), Score = score,
        });
    }

    private sealed record LoadedMember(string Name, Artifact File, string? Registered, PredictiveModel Model);

    /// <summary>The record's own checks and its members' and regime's, each named by its path in the pipeline.</summary>
    private static void CheckInputs(TrainEnsembleInputs inputs)
    {
        foreach (var problem in inputs.Problems()) throw problem.ToException();
        foreach (var (name, member) in inputs.Members)
        {
            foreach (var problem in member.Problems()) throw new StepInputException($"members.{name}.{problem.Input}", $"member '{name}': {problem.Message}");
        }
        if (inputs.Regime is { } regime)
        {
            foreach (var problem in regime.Problems()) throw new StepInputException($"regime.{problem.Input}", problem.Message);
        }
    }

    private static LoadedMember LoadMember(IStepContext context, string name, EnsembleMemberInput input, Dictionary<string, Artifact> known)
    {
        var at = $"members.{name}";
        var (file, registered) = Resolve(context, input.Model, input.Registered, at);
        known[file.Sha256] = file;
        var model = Load(context, file, at, $"member '{name}'");
        if (model.Ensemble is not null) throw new StepInputException(at, $"member '{name}' is itself an ensemble; members must be single models");
        if (model.Onnx?.Task == ModelTask.Clustering)
            throw new StepInputException(at, $"member '{name}' is a k-means model: it can route rows (regime.model) but predicts no target");
        return new LoadedMember(name, file, registered, model);
    }

    /// <summary>A step's model artifact, or the file of a registered version (recorded as read, pinned to its number).</summary>
    private static (Artifact File, string? Registered) Resolve(IStepContext context, Artifact? model, string? registered, string at)
    {
        if (model is not null) return (model, null);
        var (name, aliasOrVersion) = RegisteredReference.Parse(registered!);
        var version = context.Registry.Find(name, aliasOrVersion)
            ?? throw new StepInputException($"{at}.registered", $"'{registered}': model '{name}' has no version or alias '{aliasOrVersion}'");
        context.RecordRead(version.Model);
        return (version.Model, $"{version.Name}@{version.Version.ToString(CultureInfo.InvariantCulture)}");
    }

    private static PredictiveModel Load(IStepContext context, Artifact file, string at, string what)
    {
        try
        {
            return context.LoadModel(file);
        }
        catch (ModelFormatException e)
        {
            throw new StepInputException(at, $"{what} cannot be read as a model: {e.Message}");
        }
    }

    private static EnsembleRouting Routing(IStepContext context, EnsembleRegimeInput regime, List<string> features, Dictionary<string, Artifact> known)
    {
        if (regime.Column is { } column)
        {
            if (!features.Contains(column)) features.Add(column);
            return new EnsembleRouting(null, column, regime.Routes, regime.Default);
        }
        var (file, registered) = Resolve(context, regime.Model, regime.Registered, "regime");
        known[file.Sha256] = file;
        var model = Load(context, file, "regime.model", "the regime model");
        if (model.Onnx is not { Task: ModelTask.Clustering } kmeans)
            throw new StepInputException(regime.Model is null ? "regime.registered" : "regime.model", "the regime model is not a k-means model (train/mlnet trainer kmeans)");
        foreach (var key in regime.Routes.Keys)
        {
            if (int.Parse(key, CultureInfo.InvariantCulture) >= kmeans.Clusters)
                throw new StepInputException("regime.routes", $"route '{key}' names a regime the k-means model does not have: it finds {kmeans.Clusters} clusters (0 to {kmeans.Clusters - 1})");
        }
        foreach (var feature in model.FeatureNames.Where(f => !features.Contains(f))) features.Add(feature);
        return new EnsembleRouting(new EnsembleFile("regime", "regime", file.Sha256, file.Format, model.FeatureNames, registered), null, regime.Routes, regime.Default);
    }

    private static TrainingTable LoadTable(DuckDBConnection connection, string path, string target, IReadOnlyList<string> features, ModelTask task)
    {
        try
        {
            return TrainingTable.Load(connection, path, target, features, [], task);
        }
        catch (StepInputException e) when (e.Input == "features")
        {
            throw new StepInputException("input", $"the table cannot feed the ensemble's features: {e.Message}");
        }
    }

    private static ModelTask Task(PredictiveModel model) =>
        model.IsRegression ? ModelTask.Regression : model.Outputs > 1 ? ModelTask.Multiclass : ModelTask.Binary;

    /// <summary>The given weights normalised to sum to 1, in member order; equal weights when none are given.</summary>
    private static IReadOnlyList<double> Weights(TrainEnsembleInputs inputs, IReadOnlyList<string> members)
    {
        if (inputs.Weights.Count == 0) return members.Select(_ => 1.0 / members.Count).ToList();
        var total = members.Sum(m => inputs.Weights[m]);
        return members.Select(m => inputs.Weights[m] / total).ToList();
    }

    /// <summary>
    /// What the meta-learner learns from: each member's out-of-fold prediction over the walk-forward rows only (the
    /// holdout stays unseen) — on the link scale for binary and regression members (log-odds, or the value), and every
    /// class probability of a multiclass member — with the rows' labels.
    /// </summary>
    private static DenseDataset MetaFeatures(IReadOnlyList<OutOfFold> blocks, ModelTask task)
    {
        var regression = task == ModelTask.Regression;
        var rows = blocks[0].WalkForwardRows;
        var outputs = blocks[0].Outputs;
        var width = blocks.Count * outputs;
        var values = new double[rows * width];
        for (var r = 0; r < rows; r++)
        {
            for (var m = 0; m < blocks.Count; m++)
            {
                for (var c = 0; c < outputs; c++)
                {
                    var prediction = blocks[m].Predictions[r * outputs + c];
                    values[r * width + m * outputs + c] = outputs == 1 ? EnsembleModel.Link(prediction, regression) : prediction;
                }
            }
        }
        return new DenseDataset(values, rows, GbdtMetaLearner.FeatureNames(blocks.Select(b => b.Member).ToList(), outputs), blocks[0].Labels.AsSpan(0, rows).ToArray());
    }

    /// <summary>The LightGBM meta-learner's gain per member: the gain of the splits on its meta-features, summed over its classes.</summary>
    private static Dictionary<string, double> MemberGain(LightGbmBooster booster, int members, int outputs, IReadOnlyList<string> names)
    {
        var gain = booster.FeatureImportance(gain: true);
        return Enumerable.Range(0, members).ToDictionary(m => names[m], m => Enumerable.Range(0, outputs).Sum(c => gain[m * outputs + c]));
    }

    private static Artifact WriteMetaTraining(DuckDBConnection connection, IStepContext context, IReadOnlyList<OutOfFold> blocks, DenseDataset training)
    {
        var columns = string.Join(", ", training.FeatureNames.Select(f => $"{SqlText.Identifier(f)} DOUBLE"));
        connection.Execute($"CREATE TABLE meta_training (source_row BIGINT, fold INTEGER, label DOUBLE, {columns})");
        using (var appender = connection.CreateAppender("meta_training"))
        {
            for (var r = 0; r < training.RowCount; r++)
            {
                var row = appender.CreateRow().AppendValue((long?)blocks[0].SourceRows[r]).AppendValue((int?)blocks[0].Folds[r]).AppendValue((double?)training.Labels![r]);
                foreach (var value in training.Row(r)) row.AppendValue((double?)value);
                row.EndRow();
            }
        }
        var staged = context.StageArtifact("table", "parquet");
        connection.Execute($"COPY meta_training TO {SqlText.Literal(staged.Path)} (FORMAT parquet)");
        return context.CommitArtifact(staged);
    }

    private static IReadOnlyDictionary<string, string> Parameters(TrainEnsembleInputs inputs, EnsembleManifest manifest, LightGbmParameters? metaParameters)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kind"] = TrainEnsembleInputs.Name(inputs.Kind),
            ["members"] = string.Join(",", manifest.Members.Select(m => m.Name)),
        };
        if (inputs.Kind == EnsembleKind.Stacking)
        {
            parameters["meta"] = inputs.Meta.ToString().ToLowerInvariant();
            if (metaParameters is null) parameters["meta_l2"] = (inputs.MetaL2 ?? 1.0).ToString("R", CultureInfo.InvariantCulture);
            // What LightGBM ran with, defaults included, as train/gbdt records its params.
            else foreach (var (key, value) in metaParameters.Entries) parameters[$"meta_params.{key}"] = value;
        }
        if (inputs.Kind != EnsembleKind.Stacking)
        {
            parameters["test_fraction"] = inputs.TestFraction.ToString("R", CultureInfo.InvariantCulture);
            parameters["gap"] = inputs.Gap.ToString(CultureInfo.InvariantCulture);
        }
        return parameters;
    }

    private static EnsembleSummary Summary(EnsembleManifest manifest, EnsembleModel ensemble, IReadOnlyDictionary<string, double>? metaGain)
    {
        var names = manifest.Members.Select(m => m.Name).ToList();
        var meta = ensemble.Meta;
        return new EnsembleSummary
        {
            Kind = manifest.Kind,
            Members = manifest.Members.Select(m => new EnsembleMemberSummary(m.Name, m.Sha256, m.Source)).ToList(),
            Weights = manifest.Weights?.Select((w, i) => (names[i], w)).ToDictionary(p => p.Item1, p => p.w),
            MetaCoefficients = meta is null ? null
                : names.Select((n, i) => (n, meta.Scaler is null ? meta.Weights[i] : meta.Weights[i] / meta.Scaler.Scale[i])).ToDictionary(p => p.n, p => p.Item2),
            Meta = manifest.Kind == EnsembleKind.Stacking ? (metaGain is null ? EnsembleMetaLearner.Linear : EnsembleMetaLearner.Gbdt) : null,
            MetaGain = metaGain,
            Routes = manifest.Regime?.Routes,
            Default = manifest.Regime?.Default,
            RegimeBy = manifest.Regime is { } r ? r.Column ?? r.Model!.Sha256 : null,
        };
    }
}
