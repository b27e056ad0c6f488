using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Drift;
using Pipelines.Steps.Features;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Drift;

/// <summary>
/// Compares recent data with what the champion was trained on: per feature KS, PSI, Wasserstein and
/// Jensen–Shannon with a severity, the drift of the model's predictions, and (with labels) of its error.
/// Findings go to the store's drift events. A check with any finding of MEDIUM or worse publishes one
/// <c>drift.detected</c> event carrying them all, its severity the worst of them, so a subscribed retrain starts once per
/// check rather than once per drifted feature; <c>on.events</c> filters it by model and <c>min_severity</c>, and
/// <c>retrain</c> feeds an <c>if:</c>.
/// </summary>
[Step("drift/check", "Monitor", "Drift check", Cacheable = false,
    Description = "Compare a recent table with the champion's training data: per-feature KS, PSI, Wasserstein and Jensen-Shannon with LOW/MEDIUM/HIGH/CRITICAL severities, prediction drift and performance drift; records drift events and outputs retrain.")]
public sealed class DriftCheckStep : Step<DriftCheckInputs, DriftCheckOutputs>
{
    public override Task<DriftCheckOutputs> ExecuteAsync(DriftCheckInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var thresholds = inputs.Thresholds(context.Settings.Drift);
        if (thresholds.Problems() is [var (key, problem), ..])
            throw new StepInputException(key, problem + " (thresholds not set on the step come from ml.yaml's drift: section)");

        var version = inputs.Model is null ? null
            : context.Registry.Find(inputs.Model, inputs.Alias) ?? throw new StepInputException("model", $"model '{inputs.Model}' has no '{inputs.Alias}'");
        var modelMetrics = TrainingMetrics.TryParse(version?.MetricsJson);
        var reference = inputs.Reference
            ?? (version?.TrainingDataSha256 is { } sha ? context.FindArtifact(sha) : null)
            ?? throw new StepInputException("reference", "give a reference table, or a model whose training data is recorded");

        using var connection = ParquetTableWriter.OpenScratch();
        var referencePath = context.OpenArtifact(reference);
        var currentPath = context.OpenArtifact(inputs.Current);
        var referenceColumns = TableReader.Describe(connection, referencePath);
        var currentColumns = TableReader.Describe(connection, currentPath).ToDictionary(c => c.Name, c => c.Type);
        var features = inputs.Features
            ?? modelMetrics?.Features
            ?? referenceColumns.Where(c => TableReader.IsNumeric(c.Type) && currentColumns.TryGetValue(c.Name, out var t) && TableReader.IsNumeric(t)).Select(c => c.Name).ToList();
        var missing = features.FirstOrDefault(f => !currentColumns.ContainsKey(f) || referenceColumns.All(c => c.Name != f));
        if (missing is not null) throw new StepInputException("features", $"column '{missing}' is not in both tables");
        if (features.Count == 0) throw new StepInputException("features", "no feature columns to compare");

        var referenceValues = TableReader.ReadNumeric(connection, referencePath, features, out var referenceRows);
        var currentValues = TableReader.ReadNumeric(connection, currentPath, features, out var currentRows);
        if (referenceRows < thresholds.Bins || currentRows < thresholds.Bins)
            throw new StepInputException("current", $"too few rows to compare ({referenceRows} reference, {currentRows} current; need at least {thresholds.Bins})");

        var psiThresholds = new DriftSeverityThresholds(thresholds.PsiMedium, thresholds.PsiHigh, thresholds.PsiCritical);
        var modelName = inputs.Model ?? "";
        var events = new List<DriftEvent>();
        var summary = new List<string>();
        var perFeature = new JsonArray();
        var drifted = new List<string>();
        var worst = DriftSeverity.Low;
        for (var f = 0; f < features.Count; f++)
        {
            var a = Column(referenceValues, features.Count, f);
            var b = Column(currentValues, features.Count, f);
            if (a.Length < thresholds.Bins || b.Length < thresholds.Bins) continue;
            var ks = KolmogorovSmirnov.TwoSample(a, b);
            var psi = PopulationStabilityIndex.Compute(a, b, thresholds.Bins);
            var wasserstein = Wasserstein.Distance(a, b);
            var js = JensenShannon.Distance(a, b, thresholds.Bins);
            var severity = Max(psiThresholds.Classify(psi), DriftSeverityThresholds.KolmogorovSmirnovStatistic.Classify(ks, thresholds.KsSignificance));
            worst = Max(worst, severity);
            if (severity >= DriftSeverity.High) drifted.Add(features[f]);
            perFeature.Add(new JsonObject
            {
                ["feature"] = features[f], ["psi"] = psi, ["ks_statistic"] = ks.Statistic, ["ks_p_value"] = ks.PValue,
                ["wasserstein"] = wasserstein, ["jensen_shannon"] = js, ["severity"] = Name(severity),
            });
            if (severity >= DriftSeverity.Medium)
            {
                var detail = string.Create(CultureInfo.InvariantCulture, $"{features[f]}: PSI {psi:0.###}, KS {ks.Statistic:0.###} (p {ks.PValue:0.###}) → {Name(severity)}");
                events.Add(new DriftEvent(modelName, features[f], "psi", psi, Name(severity), detail));
                summary.Add(detail);
            }
        }

        JsonNode? prediction = null;
        JsonNode? performance = null;
        var performanceDrift = false;
        if (version is not null)
        {
            var model = context.LoadModel(version.Model);
            if (ModelFeatureOrder.FirstMissing(model.FeatureNames, features) is not null)
                throw new StepInputException("features", $"the model needs features {string.Join(", ", model.FeatureNames)}; check only a subset with features:, or include them all");
            var order = new ModelFeatureOrder(model.FeatureNames, features);
            var referencePredictions = Predict(model, referenceValues, referenceRows, order);
            var currentPredictions = Predict(model, currentValues, currentRows, order);
            var predictionPsi = Enumerable.Range(0, model.Outputs)
                .Max(c => PopulationStabilityIndex.Compute(Column(referencePredictions, model.Outputs, c), Column(currentPredictions, model.Outputs, c), thresholds.Bins));
            var predictionSeverity = psiThresholds.Classify(predictionPsi);
            worst = Max(worst, predictionSeverity);
            prediction = new JsonObject { ["psi"] = predictionPsi, ["severity"] = Name(predictionSeverity) };
            if (predictionSeverity >= DriftSeverity.Medium)
            {
                var detail = string.Create(CultureInfo.InvariantCulture, $"predictions: PSI {predictionPsi:0.###} → {Name(predictionSeverity)}");
                events.Add(new DriftEvent(modelName, "prediction", "psi", predictionPsi, Name(predictionSeverity), detail));
                summary.Add(detail);
            }

            if (inputs.Target is { } target && modelMetrics is not null)
            {
                if (!currentColumns.ContainsKey(target)) throw new StepInputException("target", $"column '{target}' is not in the current table");
                var (referenceError, currentError) = Errors(modelMetrics, TableReader.ReadText(connection, currentPath, target), currentPredictions, model.Outputs);
                var increase = referenceError > 0 ? currentError / referenceError - 1 : 0;
                performanceDrift = increase > thresholds.PerformanceDrift;
                performance = new JsonObject { ["holdout_error"] = referenceError, ["current_error"] = currentError, ["increase"] = increase, ["drift"] = performanceDrift };
                var detail = string.Create(CultureInfo.InvariantCulture,
                    $"error {currentError:0.####} vs holdout {referenceError:0.####} ({increase:+0.#%;-0.#%}) {(performanceDrift ? $"exceeds +{thresholds.PerformanceDrift:0%}" : "within bounds")}");
                summary.Add(detail);
                if (performanceDrift)
                {
                    worst = Max(worst, DriftSeverity.High);
                    events.Add(new DriftEvent(modelName, "performance", "error_increase", increase, Name(DriftSeverity.High), detail));
                }
            }
        }

        var fraction = (double)drifted.Count / features.Count;
        var retrain = fraction > thresholds.RetrainFraction || worst == DriftSeverity.Critical || performanceDrift;
        summary.Add(string.Create(CultureInfo.InvariantCulture,
            $"{drifted.Count} of {features.Count} features drifted ({fraction:0%}); worst {Name(worst)}; {(retrain ? "retrain" : "no retrain")}"));
        context.Drift.Record(events);
        if (events.Count > 0)
        {
            // The worst finding names the event's feature and figures; every finding rides along in the payload.
            var worstFinding = events.MaxBy(e => Enum.Parse<DriftSeverity>(e.Severity, ignoreCase: true))!;
            context.Events.Publish("drift.detected", inputs.Model, worstFinding.Feature, new JsonObject
            {
                ["model"] = inputs.Model, ["version"] = version?.Version, ["feature"] = worstFinding.Feature, ["statistic"] = worstFinding.Statistic,
                ["value"] = Finite(worstFinding.Value), ["severity"] = worstFinding.Severity, ["detail"] = worstFinding.Detail,
                ["retrain"] = retrain, ["drifted"] = new JsonArray(drifted.Select(d => (JsonNode)d).ToArray()),
                ["findings"] = new JsonArray(events.Select(e => (JsonNode)new JsonObject
                {
                    ["feature"] = e.Feature, ["statistic"] = e.Statistic, ["value"] = Finite(e.Value), ["severity"] = e.Severity,
                }).ToArray()),
            }.ToJsonString());
        }

        var report = new JsonObject
        {
            ["model"] = inputs.Model, ["version"] = version?.Version, ["reference_sha256"] = reference.Sha256, ["current_sha256"] = inputs.Current.Sha256,
            ["reference_rows"] = referenceRows, ["current_rows"] = currentRows, ["features"] = perFeature, ["prediction"] = prediction,
            ["performance"] = performance, ["thresholds"] = Describe(thresholds), ["drifted"] = new JsonArray(drifted.Select(d => (JsonNode)d).ToArray()), ["severity"] = Name(worst), ["retrain"] = retrain,
        };
        var staged = context.StageArtifact("report", "json");
        File.WriteAllText(staged.Path, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        foreach (var line in summary) context.Log.Information("Drift: {Finding}", line);
        return Task.FromResult(new DriftCheckOutputs
        {
            Retrain = retrain, Drifted = drifted, Severity = Name(worst), Summary = summary, Report = context.CommitArtifact(staged),
        });
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static JsonObject Describe(DriftSettings thresholds) => new()
    {
        ["psi_medium"] = thresholds.PsiMedium, ["psi_high"] = thresholds.PsiHigh, ["psi_critical"] = thresholds.PsiCritical,
        ["ks_significance"] = thresholds.KsSignificance, ["retrain_fraction"] = thresholds.RetrainFraction,
        ["performance_drift"] = thresholds.PerformanceDrift, ["bins"] = thresholds.Bins,
    };

    /// <summary>The finite values of one column of a row-major block.</summary>
    private static double[] Column(double[] values, int width, int column)
    {
        var rows = values.Length / width;
        var result = new List<double>(rows);
        for (var r = 0; r < rows; r++)
        {
            var v = values[r * width + column];
            if (double.IsFinite(v)) result.Add(v);
        }
        return result.ToArray();
    }

    private static double[] Predict(PredictiveModel model, double[] values, int rows, ModelFeatureOrder order)
    {
        var outputs = model.Outputs;
        var result = new double[rows * outputs];
        var row = new double[order.Count];
        for (var r = 0; r < rows; r++)
        {
            order.Gather(values, r, row);
            model.Predict(row, result.AsSpan(r * outputs, outputs));
        }
        return result;
    }

    /// <summary>Holdout error from the training metrics, and the same error on the current labelled rows.</summary>
    private static (double Reference, double Current) Errors(TrainingMetrics metrics, string?[] labels, double[] predictions, int outputs)
    {
        var holdout = metrics.Holdout;
        if (metrics.Task == ModelTask.Regression)
        {
            double sum = 0;
            var n = 0;
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] is null || !double.TryParse(labels[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)) continue;
                sum += (predictions[i] - y) * (predictions[i] - y);
                n++;
            }
            return (holdout["rmse"] ?? double.NaN, n == 0 ? double.NaN : Math.Sqrt(sum / n));
        }
        var classes = metrics.Classes.ToList();
        int wrong = 0, total = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var actual = labels[i] is null ? -1 : classes.IndexOf(labels[i]!);
            if (actual < 0) continue;
            var predicted = outputs == 1 ? (predictions[i] >= 0.5 ? 1 : 0) : Enumerable.Range(0, outputs).MaxBy(c => predictions[i * outputs + c]);
            wrong += predicted == actual ? 0 : 1;
            total++;
        }
        return (1 - (holdout["accuracy"] ?? double.NaN), total == 0 ? double.NaN : (double)wrong / total);
    }

    private static DriftSeverity Max(DriftSeverity a, DriftSeverity b) => a > b ? a : b;

    private static string Name(DriftSeverity severity) => severity.ToString().ToUpperInvariant();
}
