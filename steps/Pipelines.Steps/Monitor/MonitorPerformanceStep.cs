using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using Pipelines.Abstractions;
using Pipelines.Learning.Metrics;
using Pipelines.Learning.Monitoring;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Monitor;

/// <summary>
/// The champion's realised performance over a recent window: its stored live decisions joined with the outcomes that
/// later data gives them, by the label definition the model was trained with. Unlike drift/check's performance drift —
/// one comparison of a table's error against the training holdout — this judges what the model actually decided,
/// as a trader sees it (win rate, Sharpe of its signal, calibration, bias), and is meant to run on a schedule.
/// </summary>
[Step("monitor/performance", "Monitor", "Performance monitor", Cacheable = false,
    Description = "Judge a registered model's live decisions over a recent window against the outcomes later data gives them (its own featurize/labels definition, once the horizon has passed): accuracy and log loss or MAE/RMSE, win rate with a Wilson interval, expected calibration error, directional bias and the annualised Sharpe of its signal. Publishes performance.checked every run and performance.degraded per breached threshold (ml.yaml monitor:). Unlike drift/check's performance drift (one comparison against the training holdout), it scores what the model decided in production.")]
public sealed class MonitorPerformanceStep : Step<MonitorPerformanceInputs, MonitorPerformanceOutputs>
{
    public const string CheckedEvent = "performance.checked";
    public const string DegradedEvent = "performance.degraded";

    public override Task<MonitorPerformanceOutputs> ExecuteAsync(MonitorPerformanceInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var thresholds = inputs.Thresholds(context.Settings.Monitor);
        if (thresholds.Problems() is [var (key, problem), ..])
            throw new StepInputException(key, problem + " (thresholds not set on the step come from ml.yaml's monitor: section)");
        if (inputs.Window <= TimeSpan.Zero) throw new StepInputException("window", $"must be positive, got {inputs.Window}");
        if (!(inputs.PeriodsPerYear > 0) || !double.IsFinite(inputs.PeriodsPerYear))
            throw new StepInputException("periods_per_year", $"must be a positive number, got {inputs.PeriodsPerYear}");
        if (!(inputs.SignalThreshold > 0 && inputs.SignalThreshold < 1))
            throw new StepInputException("signal_threshold", $"must lie in (0, 1), got {inputs.SignalThreshold}");

        var version = context.Registry.Find(inputs.Model, inputs.Alias)
            ?? throw new StepInputException("model", $"model '{inputs.Model}' has no '{inputs.Alias}'");
        var definition = ModelLabelDefinition.Find(version, context.Registry.Lineage(version.Name, version.Version));
        var until = ParseUntil(inputs.Until) ?? context.Decisions.NewestTime(version.Name, version.Version) ?? DateTime.UtcNow;
        var from = until - inputs.Window;
        var decisions = context.Decisions.Read(version.Name, version.Version, from, until);

        var outcomes = decisions.Count == 0 ? []
            : ReadOutcomes(context, inputs, definition, decisions.Min(d => d.TradeId), decisions.Max(d => d.TradeId));
        cancellationToken.ThrowIfCancellationRequested();
        var scores = new List<double>(decisions.Count);
        var labels = new List<double>(decisions.Count);
        var returns = new List<double>(decisions.Count);
        long pending = 0, unmatched = 0;
        foreach (var decision in decisions)
        {
            if (!outcomes.TryGetValue(decision.TradeId, out var outcome)) unmatched++;
            else if (outcome.Label is not { } label || outcome.Return is not { } realised) pending++;
            else
            {
                scores.Add(decision.Score);
                labels.Add(label);
                returns.Add(realised);
            }
        }

        var n = scores.Count;
        var enough = n >= thresholds.MinRows;
        if (!enough && inputs.FailOnTooFewRows)
            throw new StepInputException("min_rows", $"{n} decision(s) of {inputs.Model} v{version.Version} have an outcome in the window; {thresholds.MinRows} are needed ({pending} pending, {unmatched} not in the data)");
        var metrics = Compute(definition, scores, labels, returns, inputs, thresholds);
        var breaches = enough ? Breaches(metrics, thresholds) : [];

        var window = XmlConvert.ToString(inputs.Window);
        var outputs = new MonitorPerformanceOutputs
        {
            Degraded = breaches.Count > 0, EnoughRows = enough, Version = version.Version, Rows = n, Pending = pending, Unmatched = unmatched,
            From = Iso(from), Until = Iso(until), Metrics = metrics, Breaches = breaches.Select(b => b.Text).ToArray(),
        };
        context.Events.Publish(CheckedEvent, version.Name, null, CheckedPayload(version, inputs, outputs, window).ToJsonString());
        foreach (var breach in breaches)
        {
            var payload = new JsonObject
            {
                ["model"] = version.Name, ["version"] = version.Version, ["alias"] = inputs.Alias, ["window"] = window,
                ["metric"] = breach.Metric, ["value"] = breach.Value, ["threshold"] = breach.Threshold, ["n"] = n,
            };
            context.Events.Publish(DegradedEvent, version.Name, null, payload.ToJsonString());
        }
        if (!enough)
            context.Log.Warning("Too few decisions to judge {Model} v{Version}: {Rows} with an outcome, {MinRows} needed ({Pending} pending, {Unmatched} not in the data)",
                version.Name, version.Version, n, thresholds.MinRows, pending, unmatched);
        else
            context.Log.Information("{Model} v{Version} over {From} .. {Until}: {Rows} decisions, win rate {WinRate:0.###} [{Lower:0.###}, {Upper:0.###}], Sharpe {Sharpe:0.##}; {Verdict}",
                version.Name, version.Version, outputs.From, outputs.Until, n, metrics.WinRate, metrics.WinRateLower, metrics.WinRateUpper, metrics.Sharpe,
                breaches.Count == 0 ? "within thresholds" : "degraded: " + string.Join("; ", outputs.Breaches));
        return Task.FromResult(outputs);
    }

    private static Dictionary<long, RealisedOutcomes.Outcome> ReadOutcomes(IStepContext context, MonitorPerformanceInputs inputs, ModelLabelDefinition definition,
        long firstKey, long lastKey)
    {
        if (inputs.Data.Kind != "table" || inputs.Data.Format != "parquet")
            throw new StepInputException("data", $"expects a table artifact, got a {inputs.Data.Kind} ({inputs.Data.Format})");
        using var connection = ParquetTableWriter.OpenScratch();
        return RealisedOutcomes.Read(connection, context.OpenArtifact(inputs.Data), definition, inputs.KeyColumn, firstKey, lastKey);
    }

    private static PerformanceMetrics Compute(ModelLabelDefinition definition, List<double> scores, List<double> labels, List<double> returns,
        MonitorPerformanceInputs inputs, MonitorSettings thresholds)
    {
        var metrics = new PerformanceMetrics { Task = definition.IsClassifier ? "classifier" : "regressor" };
        if (scores.Count == 0) return metrics;
        var signal = new double[scores.Count];
        for (var i = 0; i < signal.Length; i++)
            signal[i] = definition.IsClassifier ? (scores[i] >= inputs.SignalThreshold ? 1 : -1) : Math.Sign(scores[i]);
        var realised = returns.ToArray();

        if (definition.IsClassifier)
        {
            var actual = new int[labels.Count];
            var predicted = new int[labels.Count];
            for (var i = 0; i < actual.Length; i++)
            {
                if (labels[i] is not (0 or 1))
                    throw new StepInputException("model", $"label '{definition.Target}' of a binary classifier gave {labels[i]}; a binary label is 0 or 1");
                if (!(scores[i] >= 0 && scores[i] <= 1))
                    throw new StepInputException("model", $"a stored score of the binary classifier is {scores[i]}, not a probability");
                actual[i] = (int)labels[i];
                predicted[i] = scores[i] >= inputs.SignalThreshold ? 1 : 0;
            }
            var probabilities = scores.ToArray();
            metrics = metrics with
            {
                Accuracy = ClassificationMetrics.Accuracy(actual, predicted),
                LogLoss = ClassificationMetrics.LogLoss(actual, probabilities),
                CalibrationError = ClassificationMetrics.ExpectedCalibrationError(actual, probabilities, thresholds.CalibrationBins),
            };
        }
        else
        {
            var actual = labels.ToArray();
            var predicted = scores.ToArray();
            metrics = metrics with { Mae = RegressionMetrics.MeanAbsoluteError(actual, predicted), Rmse = RegressionMetrics.RootMeanSquaredError(actual, predicted) };
        }

        var (wins, trials) = WinRate.Count(signal, realised);
        if (trials > 0)
        {
            var interval = WilsonInterval.Of(wins, trials, thresholds.Confidence);
            metrics = metrics with { WinRate = (double)wins / trials, WinRateLower = interval.Lower, WinRateUpper = interval.Upper };
        }
        var bias = DirectionalBias.Of(signal, realised);
        metrics = metrics with { LongShare = bias.LongShare, ShortShare = bias.ShortShare, UpShare = bias.UpShare, DirectionalBias = bias.Bias };
        if (signal.Length >= 2) metrics = metrics with { Sharpe = Finite(SignalSharpe.Compute(signal, realised, inputs.PeriodsPerYear)) };
        return metrics;
    }

    /// <summary>A Sharpe of ±infinity (no dispersion) is kept out of JSON payloads as the largest finite value of its sign.</summary>
    private static double Finite(double value) => double.IsPositiveInfinity(value) ? double.MaxValue : double.IsNegativeInfinity(value) ? double.MinValue : value;

    private sealed record Breach(string Metric, double Value, double Threshold, string Text);

    private static List<Breach> Breaches(PerformanceMetrics metrics, MonitorSettings thresholds)
    {
        var breaches = new List<Breach>();
        void Below(string metric, double? value, double threshold)
        {
            if (value is { } v && v < threshold) breaches.Add(new Breach(metric, v, threshold, Text($"{metric} {v:0.####} < {threshold}")));
        }
        Below("sharpe", metrics.Sharpe, thresholds.MinSharpe);
        Below("win_rate_lower", metrics.WinRateLower, thresholds.MinWinRate);
        if (metrics.CalibrationError is { } ece && ece > thresholds.MaxCalibrationError)
            breaches.Add(new Breach("calibration_error", ece, thresholds.MaxCalibrationError, Text($"calibration_error {ece:0.####} > {thresholds.MaxCalibrationError}")));
        return breaches;
    }

    /// <summary>Flat, so the API's performance history and a notifier read it without knowing this step.</summary>
    private static JsonObject CheckedPayload(ModelVersion version, MonitorPerformanceInputs inputs, MonitorPerformanceOutputs outputs, string window)
    {
        var m = outputs.Metrics;
        return new JsonObject
        {
            ["model"] = version.Name, ["version"] = version.Version, ["alias"] = inputs.Alias, ["window"] = window,
            ["from"] = outputs.From, ["until"] = outputs.Until, ["n"] = outputs.Rows, ["pending"] = outputs.Pending, ["unmatched"] = outputs.Unmatched,
            ["enough_rows"] = outputs.EnoughRows, ["degraded"] = outputs.Degraded, ["task"] = m.Task,
            ["accuracy"] = m.Accuracy, ["log_loss"] = m.LogLoss, ["mae"] = m.Mae, ["rmse"] = m.Rmse,
            ["win_rate"] = m.WinRate, ["win_rate_lower"] = m.WinRateLower, ["win_rate_upper"] = m.WinRateUpper,
            ["calibration_error"] = m.CalibrationError, ["long_share"] = m.LongShare, ["short_share"] = m.ShortShare, ["up_share"] = m.UpShare,
            ["directional_bias"] = m.DirectionalBias, ["sharpe"] = m.Sharpe, ["periods_per_year"] = inputs.PeriodsPerYear,
        };
    }

    private static DateTime? ParseUntil(string? text)
    {
        if (text is null) return null;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)) return time;
        throw new StepInputException("until", $"'{text}' is not a time; write e.g. 2023-03-21T00:00:00Z");
    }

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
