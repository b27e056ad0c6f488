using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Tuning;

namespace Pipelines.Steps.Train;

/// <summary>
/// Runs the tune: search of train/gbdt: each trial's parameters (over the step's own) train one LightGBM model per
/// cross-validation fold of the training rows; fold scores feed the median pruner; the mean score is the
/// trial's value. Everything is seeded, so a rerun gives the same trials.
/// </summary>
internal sealed class GbdtTuner
{
    private readonly GbdtTuning _tuning;
    private readonly ModelTask _task;
    private readonly GbdtFitter _fitter;
    private readonly SearchSpace _space;

    public GbdtTuner(GbdtTuning tuning, ModelTask task, GbdtFitter fitter)
    {
        _tuning = tuning;
        _task = task;
        _fitter = fitter;
        if (tuning.Trials < 1) throw new StepInputException("tune.trials", "must be at least 1");
        if (tuning.Folds < 2) throw new StepInputException("tune.folds", "must be at least 2");
        if (tuning.PruneAfter < 0) throw new StepInputException("tune.prune_after", "must not be negative");
        Metric = tuning.Metric ?? (task == ModelTask.Regression ? "rmse" : "logloss");
        var names = ModelMetrics.Names(task);
        if (!names.Contains(Metric))
            throw new StepInputException("tune.metric", $"'{Metric}' is not reported for {task.ToString().ToLowerInvariant()} models; choose one of {string.Join(", ", names)}");
        Direction = tuning.Direction ?? (ModelMetrics.HigherIsBetter(Metric) ? StudyDirection.Maximize : StudyDirection.Minimize);
        _space = BuildSpace(tuning.Space, fitter.Parameters);
    }

    public string Metric { get; }

    public StudyDirection Direction { get; }

    /// <summary>Runs the study over <paramref name="train"/> (rows in time order) with <paramref name="gap"/> rows between training and test.</summary>
    /// <param name="scored">the rows of a test block that are scored (synthetic rows are not)</param>
    public TuningResult Run(DenseDataset train, int gap, int classes, Func<int[], int[]> scored, CancellationToken cancellationToken)
    {
        var folds = TimeSeriesFolds.Split(_tuning.Scheme, _tuning.Folds, train.RowCount, gap, "tune.folds");
        ISampler sampler = _tuning.Sampler == TuningSampler.Tpe ? new TpeSampler(_tuning.Seed) : new RandomSampler(_tuning.Seed);
        var study = new Study(_space, Direction, sampler, new MedianPruner(_tuning.PruneAfter));
        var objective = CrossValidatedObjective.Create(folds, (trial, fold) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var model = _fitter.With(Apply(trial.Parameters)).Fit(TrainingArtifacts.Subset(train, fold.Train), cancellationToken);
            var test = TrainingArtifacts.Subset(train, scored(fold.Test));
            return ModelMetrics.Compute(_task, test.RequireLabels(), model.Predict(test), classes)[Metric];
        });
        study.Optimize(objective, _tuning.Trials, tolerateFailures: true);
        cancellationToken.ThrowIfCancellationRequested();

        var complete = study.Trials.Where(t => t.State == TrialState.Complete).ToList();
        if (complete.Count == 0)
        {
            var failure = study.Trials.FirstOrDefault(t => t.FailureReason is not null)?.FailureReason ?? "every trial was pruned";
            throw new StepInputException("tune", $"no trial completed; the first failure: {failure}");
        }
        var best = study.BestTrial;
        var bestValues = Values(best.Parameters);
        var record = new JsonObject
        {
            ["sampler"] = _tuning.Sampler.ToString().ToLowerInvariant(),
            ["seed"] = _tuning.Seed,
            ["metric"] = Metric,
            ["direction"] = Direction.ToString().ToLowerInvariant(),
            ["scheme"] = _tuning.Scheme == TuningScheme.WalkForward ? "walk_forward" : "purged_kfold",
            ["folds"] = folds.Count,
            ["gap"] = gap,
            ["trials"] = new JsonArray(study.Trials.Select(t => (JsonNode)new JsonObject
            {
                ["number"] = t.Number,
                ["state"] = t.State.ToString().ToLowerInvariant(),
                ["value"] = t.Value,
                ["params"] = ParameterJson(t.Parameters),
                ["fold_scores"] = new JsonArray(t.IntermediateValues.OrderBy(v => v.Key).Select(v => (JsonNode)v.Value).ToArray()),
                ["failure"] = t.FailureReason,
            }).ToArray()),
            ["best"] = new JsonObject { ["number"] = best.Number, ["value"] = best.Value, ["params"] = ParameterJson(best.Parameters) },
        };
        return new TuningResult(Apply(best.Parameters), bestValues, best.Value!.Value, record);
    }

    private LightGbmParameters Apply(IReadOnlyDictionary<string, object> parameters) => Apply(_fitter.Parameters, Values(parameters));

    private static LightGbmParameters Apply(LightGbmParameters baseline, IReadOnlyDictionary<string, string> values) =>
        values.Aggregate(baseline, (p, v) => p.With(LightGbmParameterNames.Canonical(v.Key)!, v.Value));

    private static Dictionary<string, string> Values(IReadOnlyDictionary<string, object> parameters) =>
        parameters.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)!, StringComparer.Ordinal);

    private static JsonObject ParameterJson(IReadOnlyDictionary<string, object> parameters) =>
        new(parameters.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value is int i ? JsonValue.Create(i) : JsonValue.Create(Convert.ToDouble(p.Value, CultureInfo.InvariantCulture)))));

    private static SearchSpace BuildSpace(IReadOnlyList<TuningRange> ranges, LightGbmParameters baseline)
    {
        if (ranges.Count == 0) throw new StepInputException("tune.space", "declare at least one parameter to tune");
        var space = new SearchSpace();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            var field = $"tune.space[{i}]";
            var name = range.Name.Trim().ToLowerInvariant();
            if (LightGbmParameterNames.Problem(name) is { } unknown) throw new StepInputException($"{field}.name", unknown);
            if (LightGbmParameterNames.Canonical(name) is "objective" or "num_class")
                throw new StepInputException($"{field}.name", $"'{range.Name}' is fixed by the step's objective and cannot be tuned");
            if (!seen.Add(LightGbmParameterNames.Canonical(name)!)) throw new StepInputException($"{field}.name", $"'{range.Name}' is declared twice");
            if (!double.IsFinite(range.Low)) throw new StepInputException($"{field}.low", "must be a finite number");
            if (!double.IsFinite(range.High)) throw new StepInputException($"{field}.high", "must be a finite number");
            if (!(range.Low < range.High)) throw new StepInputException($"{field}.high", $"must be above low ({range.Low.ToString(CultureInfo.InvariantCulture)})");
            if (range.Type == TuningRangeType.Int && (range.Low != Math.Floor(range.Low) || range.High != Math.Floor(range.High) || Math.Abs(range.Low) > int.MaxValue || Math.Abs(range.High) > int.MaxValue))
                throw new StepInputException($"{field}.low", "an int range needs whole-number bounds");
            if (range.Type == TuningRangeType.Log && range.Low <= 0)
                throw new StepInputException($"{field}.low", "a log range needs a positive low bound");

            Check(field, "low", name, range.Low, range.Type, baseline);
            Check(field, "high", name, range.High, range.Type, baseline);
            if (range.Type != TuningRangeType.Int)
            {
                // A value that is not a whole number shows whether the parameter accepts real values at all.
                var inside = range.Low + (range.High - range.Low) / Math.PI;
                Check(field, "type", name, inside, range.Type, baseline);
            }
            space.Add(range.Type switch
            {
                TuningRangeType.Int => new IntUniformDistribution(name, (int)range.Low, (int)range.High),
                TuningRangeType.Log => new LogUniformDistribution(name, range.Low, range.High),
                _ => new FloatUniformDistribution(name, range.Low, range.High),
            });
        }
        return space;
    }

    private static void Check(string field, string bound, string name, double value, TuningRangeType type, LightGbmParameters baseline)
    {
        var text = type == TuningRangeType.Int ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
        try
        {
            LightGbmTrainer.CheckValues(Apply(baseline, new Dictionary<string, string> { [name] = text }));
        }
        catch (LightGbmException e)
        {
            var hint = bound == "type" ? $" ('{name}' takes whole numbers: use type: int)" : "";
            throw new StepInputException($"{field}.{bound}", e.Message + hint);
        }
    }
}
