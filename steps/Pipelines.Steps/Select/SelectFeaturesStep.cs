using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.DuckDb;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Selection;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Select;

/// <summary>
/// Chooses the features a train step should take, scoring them on time-series cross-validation folds of the
/// training rows only: the holdout the train step will score on (the latest test_fraction of the rows, after the
/// gap) is cut off first and never read. Gain, split and permutation importance come from one model per fold;
/// recursive elimination refits the folds on each smaller subset.
/// </summary>
[Step("select/features", "Train", "Select features",
    Description = "Choose features by time-series cross-validation over the training rows (the holdout a train step keeps is never read): LightGBM gain and split importance, permutation importance (the score lost when one feature's column is shuffled on a fold's test rows; ML.NET's own PermutationFeatureImportance with mlnet), or recursive feature elimination; outputs the list a train step takes as features and a table of every score.")]
public sealed class SelectFeaturesStep : Step<SelectFeaturesInputs, SelectFeaturesOutputs>
{
    public override Task<SelectFeaturesOutputs> ExecuteAsync(SelectFeaturesInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        var task = inputs.Objective.Task();
        var path = context.OpenArtifact(inputs.Input);
        using var connection = ParquetTableWriter.OpenScratch();
        var table = TrainingTable.Load(connection, path, inputs.Target, inputs.Features, inputs.Exclude, task);
        if (task == ModelTask.Regression) table.RequireVaryingLabels(inputs.Target);
        // ML.NET's trainers take complete rows only, as train/mlnet does.
        if (inputs.Mlnet is not null) table = table.WithoutMissingFeatures();
        var features = table.Features;
        if (inputs.MinFeatures > features.Count)
            throw new StepInputException("min_features", $"is {inputs.MinFeatures}, more than the {features.Count} candidate features");
        if (inputs.Keep > features.Count)
            throw new StepInputException("keep", $"is {inputs.Keep}, more than the {features.Count} candidate features");

        var metric = inputs.Metric ?? (task == ModelTask.Regression ? "rmse" : inputs.Mlnet is not null && task == ModelTask.Binary ? "auc" : "logloss");
        var names = inputs.Mlnet is null ? ModelMetrics.Names(task) : MlNetSelectionLearner.Metrics(task);
        if (!names.Contains(metric))
            throw new StepInputException("metric", $"'{metric}' is not available for {task.ToString().ToLowerInvariant()} models here; choose one of {string.Join(", ", names)}");
        var score = new FoldScore(task, metric, table.Classes.Count);

        var split = TrainingSplit.ByTime(table, inputs.TestFraction, inputs.Gap, 2);
        var folds = TimeSeriesFolds.Split(inputs.Scheme, inputs.Folds, split.Train.RowCount, inputs.Gap, "folds");
        var learner = Learner(inputs, task, table.Classes.Count, score, split.HasSynthetic, cancellationToken);
        var evaluator = new FoldEvaluator(split, folds, learner, score, inputs.Seed, cancellationToken);
        context.Log.Information("Scoring {Features} features on {Folds} folds of {Rows} training rows ({Held} held out) by {Metric}",
            features.Count, folds.Count, split.TrainRows, split.HoldoutRows, metric);

        var all = Enumerable.Range(0, features.Count).ToArray();
        var full = evaluator.Evaluate(all, permutation: true);
        var scores = new List<FeatureScoreRow>();
        if (full.Gain is { } gain) scores.AddRange(Ranked("gain", features, gain));
        if (full.Split is { } splits) scores.AddRange(Ranked("split", features, splits));
        scores.AddRange(Ranked("permutation", features, full.Permutation!));

        List<RoundRow> rounds;
        IReadOnlyList<string> selected;
        double selectedScore;
        if (inputs.Method == SelectionMethod.Rfe)
        {
            var position = features.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
            var elimination = RecursiveFeatureElimination.Run(features, subset =>
            {
                var evaluated = subset.Count == features.Count ? full : evaluator.Evaluate(subset.Select(f => position[f]).ToArray(), inputs.RankBy == ImportanceKind.Permutation);
                context.Log.Information("{Count} features: {Metric} {Score}", subset.Count, metric, evaluated.Score);
                return new SubsetEvaluation(evaluated.Score, evaluated.Of(inputs.RankBy).Mean);
            }, inputs.Drop, inputs.MinFeatures, inputs.Tolerance, score.HigherIsBetter);
            var chosen = elimination.Chosen;
            selected = chosen.Features.Select((f, i) => (f, i)).OrderByDescending(p => chosen.Importance[p.i]).ThenBy(p => p.i).Select(p => p.f).ToList();
            selectedScore = chosen.Score;
            rounds = elimination.Rounds.Select(r => new RoundRow(r.Round, r.Features, r.Score, r.Round == chosen.Round, r.Dropped)).ToList();
            var taking = features.ToDictionary(f => f, f => (double)elimination.Rounds.Count(r => r.Features.Contains(f)), StringComparer.Ordinal);
            scores.AddRange(Ranked("rfe", features, new FoldMeans(features.Select(f => taking[f]).ToArray(), new double[features.Count])));
        }
        else
        {
            var kind = inputs.Method switch { SelectionMethod.Gain => ImportanceKind.Gain, SelectionMethod.Split => ImportanceKind.Split, _ => ImportanceKind.Permutation };
            var importance = full.Of(kind).Mean;
            var order = all.OrderByDescending(i => importance[i]).ThenBy(i => i).ToArray();
            var keep = inputs.Keep ?? importance.Count(v => v > 0);
            if (keep == 0)
                throw new StepInputException("method", $"no feature has {kind.ToString().ToLowerInvariant()} importance above 0 on the folds; set keep to choose a number anyway");
            var columns = order.Take(keep).ToArray();
            selected = columns.Select(i => features[i]).ToList();
            selectedScore = columns.Length == features.Count ? full.Score : evaluator.Evaluate(columns, permutation: false).Score;
            rounds = [new RoundRow(1, selected, selectedScore, true, [])];
        }
        context.Log.Information("Selected {Count} of {Total} features: {Features} ({Metric} {Score})", selected.Count, features.Count, selected, metric, selectedScore);

        var selectedSet = selected.ToHashSet(StringComparer.Ordinal);
        return Task.FromResult(new SelectFeaturesOutputs
        {
            Features = selected,
            Scores = WriteScores(connection, context, scores, selectedSet),
            Rounds = WriteRounds(connection, context, rounds),
            Score = selectedScore,
            Metric = metric,
        });
    }

    private static ISelectionLearner Learner(SelectFeaturesInputs inputs, ModelTask task, int classes, FoldScore score, bool synthetic, CancellationToken cancellationToken)
    {
        if (inputs.Mlnet is { } trainer)
        {
            if (!MlNetTrainers.Tasks(trainer).Contains(task))
                throw new StepInputException("objective", $"{MlNetTrainers.Name(trainer)} learns {string.Join(" or ", MlNetTrainers.Tasks(trainer).Select(OnnxScoringContract.TaskName))}, not {OnnxScoringContract.TaskName(task)}");
            return new MlNetSelectionLearner(new TrainMlNetInputs { Input = inputs.Input, Trainer = trainer, Target = inputs.Target, Task = task, Seed = inputs.Seed }, score, inputs.Repeats);
        }
        var keys = new LightGbmParameterKeys();
        foreach (var name in inputs.Params.Keys)
        {
            if (keys.Problem(name) is { } problem) throw new StepInputException("params", problem);
        }
        LightGbmParameters parameters;
        try
        {
            parameters = LightGbmParameters.From(inputs.Params).With("objective", inputs.Objective.LightGbmName());
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("params", e.Message);
        }
        if (task == ModelTask.Multiclass) parameters = parameters.With("num_class", classes.ToString(CultureInfo.InvariantCulture));
        var fitter = new GbdtFitter(parameters, 0.1, inputs.Gap);
        if (synthetic && parameters.GetInt("early_stopping_round", 0) > 0)
            throw new StepInputException("params", "early_stopping_round watches the latest training rows of each fold, and this table's training rows hold synthetic rows, which must never be validated on; select without early stopping, or on the table before augmentation");
        return new LightGbmSelectionLearner(fitter, score, inputs.Repeats, cancellationToken);
    }

    /// <summary>One method's importances as table rows, ranked from 1 (most important; equal values in candidate order).</summary>
    private static IEnumerable<FeatureScoreRow> Ranked(string method, IReadOnlyList<string> features, FoldMeans importance)
    {
        var order = Enumerable.Range(0, features.Count).OrderByDescending(i => importance.Mean[i]).ThenBy(i => i).ToArray();
        return order.Select((i, rank) => new FeatureScoreRow(method, features[i], importance.Mean[i], importance.StandardDeviation[i], rank + 1));
    }

    private static Artifact WriteScores(DuckDB.NET.Data.DuckDBConnection connection, IStepContext context, List<FeatureScoreRow> rows, HashSet<string> selected)
    {
        connection.Execute("CREATE TABLE scores (method VARCHAR, feature VARCHAR, importance DOUBLE, std DOUBLE, rank INTEGER, selected BOOLEAN)");
        using (var appender = connection.CreateAppender("scores"))
        {
            foreach (var row in rows)
            {
                appender.CreateRow().AppendValue(row.Method).AppendValue(row.Feature).AppendValue((double?)row.Importance).AppendValue((double?)row.StandardDeviation)
                    .AppendValue((int?)row.Rank).AppendValue((bool?)selected.Contains(row.Feature)).EndRow();
            }
        }
        var staged = context.StageArtifact("table", "parquet");
        connection.Execute($"COPY scores TO {SqlText.Literal(staged.Path)} (FORMAT parquet)");
        return context.CommitArtifact(staged);
    }

    private static Artifact WriteRounds(DuckDB.NET.Data.DuckDBConnection connection, IStepContext context, List<RoundRow> rows)
    {
        connection.Execute("CREATE TABLE rounds (round INTEGER, size INTEGER, score DOUBLE, chosen BOOLEAN, features VARCHAR, dropped VARCHAR)");
        using (var appender = connection.CreateAppender("rounds"))
        {
            foreach (var row in rows)
            {
                appender.CreateRow().AppendValue((int?)row.Round).AppendValue((int?)row.Features.Count).AppendValue((double?)row.Score).AppendValue((bool?)row.Chosen)
                    .AppendValue(string.Join(",", row.Features)).AppendValue(string.Join(",", row.Dropped)).EndRow();
            }
        }
        var staged = context.StageArtifact("table", "parquet");
        connection.Execute($"COPY rounds TO {SqlText.Literal(staged.Path)} (FORMAT parquet)");
        return context.CommitArtifact(staged);
    }

    private sealed record FeatureScoreRow(string Method, string Feature, double Importance, double StandardDeviation, int Rank);

    private sealed record RoundRow(int Round, IReadOnlyList<string> Features, double Score, bool Chosen, IReadOnlyList<string> Dropped);
}
