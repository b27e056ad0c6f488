using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Metrics;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Validate;

/// <summary>
/// A <c>beats:</c> requirement: the registered rival (e.g. the champion) is scored on the candidate's holdout rows
/// of the candidate's own training table, both models' metric is computed on those same rows, and a paired
/// bootstrap of the per-row differences decides whether the candidate's improvement exceeds the margin with
/// confidence — so a promotion needs a gain that is not just luck of the sample.
/// </summary>
internal static class ChampionComparison
{
    private const double Epsilon = ClassificationMetrics.DefaultLogLossEpsilon;

    /// <summary>Metrics that are the mean of a per-row score, so the paired bootstrap of row differences bounds their difference.</summary>
    private static readonly string[] PerRowMetrics = ["logloss", "brier", "accuracy", "mae"];

    public static (bool Passed, string Reason, GateCheck Check) Evaluate(GateRequirement requirement, int index, GateInputs inputs, string candidateMetricsJson, IStepContext context)
    {
        var field = $"require[{index}]";
        var alias = requirement.Beats!;
        if (requirement.Model is not { Length: > 0 } name) throw new StepInputException($"{field}.model", $"beats: {alias} needs the registered model's name");
        if (requirement.Min is not null || requirement.Max is not null)
            throw new StepInputException(field, "a requirement is either a threshold (min/max) or a comparison (beats), not both");
        if (!double.IsFinite(requirement.Margin)) throw new StepInputException($"{field}.margin", "must be a finite number");
        if (requirement.Confidence is <= 0.5 or >= 1) throw new StepInputException($"{field}.confidence", "must be in (0.5, 1)");
        if (requirement.Resamples < 100) throw new StepInputException($"{field}.resamples", "use at least 100 resamples");
        var candidateMetrics = TrainingMetrics.TryParse(candidateMetricsJson)
            ?? throw new StepInputException("metrics", "beats compares a model a train step made with the champion; these metrics are not a train step's metrics.json");
        var objective = candidateMetrics.Task;
        if (!PerRowMetrics.Contains(requirement.Metric) || !ModelMetrics.Names(objective).Contains(requirement.Metric))
            throw new StepInputException($"{field}.metric",
                $"beats compares metrics that average a per-row score ({string.Join(", ", PerRowMetrics.Where(m => ModelMetrics.Names(objective).Contains(m)))} for {objective.ToString().ToLowerInvariant()} models); '{requirement.Metric}' is not one");

        var rival = context.Registry.Find(name, alias);
        if (rival is null)
        {
            var reason = $"{requirement.Metric}: no {alias} yet for '{name}' — passes";
            return (true, reason, new GateCheck { Metric = requirement.Metric, Beats = alias, Model = name, Passed = true, Reason = reason });
        }

        if (inputs.Holdout is null) throw new StepInputException("holdout", $"beats: {alias} needs the candidate's holdout predictions (the train step's holdout output)");
        if (inputs.Data is null) throw new StepInputException("data", $"beats: {alias} needs the table the candidate was trained on (the train step's input)");
        var trainedOn = candidateMetrics.TrainingDataSha256;
        if (trainedOn != inputs.Data.Sha256)
            throw new StepInputException("data", $"table {inputs.Data.ShortId} is not the one the candidate was trained on ({trainedOn[..12]}); the holdout rows would not line up");

        var classes = candidateMetrics.Classes;
        var rivalModel = context.LoadModel(rival.Model);
        var expectedOutputs = objective == ModelTask.Multiclass ? classes.Count : 1;
        if (rivalModel.Outputs != expectedOutputs || rivalModel.IsRegression != (objective == ModelTask.Regression))
            throw new StepInputException($"{field}.beats", $"{name} v{rival.Version} solves a different task ({rivalModel.Outputs} outputs, {rivalModel.Kind}) than the {objective.ToString().ToLowerInvariant()} candidate");
        var columnOrder = RivalColumns(rival, classes, objective, field);

        using var connection = ParquetTableWriter.OpenScratch();
        var holdoutPath = context.OpenArtifact(inputs.Holdout);
        var holdoutColumns = TableReader.Describe(connection, holdoutPath).Select(c => c.Name).ToList();
        var predictionColumns = objective == ModelTask.Multiclass
            ? Enumerable.Range(0, classes.Count).Select(c => $"p{c}").ToList()
            : ["prediction"];
        var missing = new[] { "source_row", "label" }.Concat(predictionColumns).FirstOrDefault(c => !holdoutColumns.Contains(c));
        if (missing is not null) throw new StepInputException("holdout", $"the holdout table lacks column '{missing}'; pass the train step's holdout output");
        var holdout = TableReader.ReadNumeric(connection, holdoutPath, ["source_row", "label", .. predictionColumns], out var rows);
        if (rows == 0) throw new StepInputException("holdout", "the holdout table has no rows");

        var dataPath = context.OpenArtifact(inputs.Data);
        var dataColumns = TableReader.Describe(connection, dataPath).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var absent = rivalModel.FeatureNames.FirstOrDefault(f => !dataColumns.Contains(f));
        if (absent is not null) throw new StepInputException("data", $"the table lacks feature '{absent}' that {name} v{rival.Version} needs");
        var features = TableReader.ReadNumeric(connection, dataPath, rivalModel.FeatureNames, out var dataRows);

        var width = 2 + predictionColumns.Count;
        var outputs = expectedOutputs;
        var labels = new double[rows];
        var candidate = new double[rows * outputs];
        var champion = new double[rows * outputs];
        var rivalRaw = new double[rivalModel.Outputs];
        var featureCount = rivalModel.FeatureNames.Count;
        for (var r = 0; r < rows; r++)
        {
            var sourceRow = (long)holdout[r * width];
            if (sourceRow < 0 || sourceRow >= dataRows)
                throw new StepInputException("data", $"holdout row {r} refers to row {sourceRow}, beyond the table's {dataRows} rows");
            labels[r] = holdout[r * width + 1];
            for (var c = 0; c < outputs; c++) candidate[r * outputs + c] = holdout[r * width + 2 + c];
            rivalModel.Predict(features.AsSpan((int)sourceRow * featureCount, featureCount), rivalRaw);
            if (objective == ModelTask.Binary) champion[r] = columnOrder[0] == 1 ? rivalRaw[0] : 1 - rivalRaw[0];
            else for (var c = 0; c < outputs; c++) champion[r * outputs + c] = rivalRaw[columnOrder[c]];
        }

        var candidateValue = ModelMetrics.Compute(objective, labels, candidate, classes.Count)[requirement.Metric];
        var championValue = ModelMetrics.Compute(objective, labels, champion, classes.Count)[requirement.Metric];
        var higherIsBetter = ModelMetrics.HigherIsBetter(requirement.Metric);
        var improvements = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var candidateScore = RowScore(requirement.Metric, objective, candidate.AsSpan(r * outputs, outputs), labels[r]);
            var championScore = RowScore(requirement.Metric, objective, champion.AsSpan(r * outputs, outputs), labels[r]);
            improvements[r] = higherIsBetter ? candidateScore - championScore : championScore - candidateScore;
        }
        var test = PairedBootstrap.Test(improvements, requirement.Margin, requirement.Resamples, requirement.Confidence, requirement.Seed);
        var passed = test.MeanImprovement > requirement.Margin && test.LowerBound > requirement.Margin;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{requirement.Metric}: candidate {candidateValue:0.######} vs {alias} v{rival.Version} {championValue:0.######} on {rows} holdout rows; improvement {test.MeanImprovement:0.######} ({requirement.Confidence:0.##%} lower bound {test.LowerBound:0.######}) {(passed ? "exceeds" : "does not exceed")} margin {requirement.Margin:0.######} — {(passed ? "beats" : "FAILS to beat")} {alias}");
        var check = new GateCheck
        {
            Metric = requirement.Metric, Beats = alias, Model = name, RivalVersion = rival.Version, RivalSha256 = rival.Model.Sha256,
            CandidateValue = candidateValue, RivalValue = championValue, Rows = rows,
            Improvement = test.MeanImprovement, LowerBound = test.LowerBound, PValue = test.PValue,
            Margin = requirement.Margin, Confidence = requirement.Confidence, Resamples = requirement.Resamples, Seed = requirement.Seed,
            Passed = passed, Reason = text,
        };
        return (passed, text, check);
    }

    /// <summary>The per-row score the metric averages: log loss, squared error of the probability, hit (1/0) or absolute error.</summary>
    private static double RowScore(string metric, ModelTask objective, ReadOnlySpan<double> prediction, double label)
    {
        if (objective == ModelTask.Regression) return Math.Abs(prediction[0] - label);
        if (objective == ModelTask.Binary)
        {
            var p = prediction[0];
            return metric switch
            {
                "logloss" => -Math.Log(label == 1 ? Math.Clamp(p, Epsilon, 1 - Epsilon) : 1 - Math.Clamp(p, Epsilon, 1 - Epsilon)),
                "brier" => (p - label) * (p - label),
                _ => (p >= 0.5 ? 1 : 0) == (int)label ? 1 : 0,
            };
        }
        if (metric == "logloss") return -Math.Log(Math.Clamp(prediction[(int)label], Epsilon, 1 - Epsilon));
        var best = 0;
        for (var c = 1; c < prediction.Length; c++) if (prediction[c] > prediction[best]) best = c;
        return best == (int)label ? 1 : 0;
    }


    /// <summary>
    /// For each of the candidate's classes, the rival's output column holding it (binary: whether the rival's
    /// positive class is the candidate's), matched by the class names both recorded at registration.
    /// </summary>
    private static int[] RivalColumns(ModelVersion rival, IReadOnlyList<string> classes, ModelTask objective, string field)
    {
        if (objective == ModelTask.Regression) return [0];
        var rivalClasses = TrainingMetrics.TryParse(rival.MetricsJson)?.Classes.ToList();
        if (rivalClasses is null || rivalClasses.Count == 0)
            return objective == ModelTask.Binary ? [1] : Enumerable.Range(0, classes.Count).ToArray();
        if (rivalClasses.Count != classes.Count || rivalClasses.Except(classes).Any())
            throw new StepInputException($"{field}.beats", $"{rival.Name} v{rival.Version} predicts classes [{string.Join(", ", rivalClasses)}], the candidate [{string.Join(", ", classes)}]");
        if (objective == ModelTask.Binary) return [rivalClasses[1] == classes[1] ? 1 : 0];
        return classes.Select(c => rivalClasses.IndexOf(c)).ToArray();
    }
}
