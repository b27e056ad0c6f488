using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipelines.Engine.Events;

namespace Pipelines.Service.Notifications;

/// <summary>
/// The line a person reads in a chat: what happened and what was decided. A failed run names its pipeline, run,
/// failed step and error; a promotion names the model, the new and previous versions and the reason; drift names the
/// model, features, statistic and severity. Fields come from the event's columns and its payload (snake_case, as
/// the event catalogue lists them); a missing field is left out, never invented. Other types get a generic line.
/// </summary>
public static class NotificationText
{
    /// <summary>Telegram refuses texts over 4096 characters.</summary>
    public const int MaxLength = 4096;

    private const int MaxErrorLength = 1500;

    public static string For(PipelineEvent stored)
    {
        var payload = Payload.Parse(stored.PayloadJson);
        var text = stored.Type switch
        {
            "run.failed" => RunFailed(stored, payload),
            "run.succeeded" => $"Run succeeded: {RunName(stored, payload)}.",
            "run.started" => $"Run started: {RunName(stored, payload)}.",
            "run.cancelled" => $"Run cancelled: {RunName(stored, payload)}.",
            "model.promoted" => ModelPromoted(stored, payload),
            "model.rolled_back" => ModelRolledBack(stored, payload),
            "model.registered" => Join($"Model registered: {Model(stored, payload)}{Version(payload, "version", " ")}", Reason(payload)),
            "model.retired" => Join($"Model retired: {Model(stored, payload)}{Version(payload, "version", " ")}", Reason(payload)),
            "drift.detected" => DriftDetected(stored, payload),
            "performance.degraded" => PerformanceDegraded(stored, payload),
            "shadow.decided" => ShadowDecided(stored, payload),
            _ => Generic(stored, payload),
        };
        return text.Length <= MaxLength ? text : text[..(MaxLength - 1)] + "…";
    }

    private static string RunFailed(PipelineEvent e, Payload p)
    {
        var line = new StringBuilder($"Run failed: {RunName(e, p)}");
        var step = p.Text("step") ?? p.Text("step_id") ?? e.StepId;
        var error = p.Text("error");
        if (step is not null) line.Append($"; step '{step}' failed");
        line.Append(error is null ? "." : $": {Shorten(error, MaxErrorLength)}");
        return line.ToString();
    }

    private static string ModelPromoted(PipelineEvent e, Payload p)
    {
        var alias = p.Text("alias") ?? "champion";
        var line = $"Model promoted: {Model(e, p)}{Version(p, "version", " ")} is now {alias}";
        line += Version(p, "previous_version", "") is { Length: > 0 } previous ? $" (previously {previous})" : " (none before it)";
        return Join(line, Reason(p));
    }

    private static string ModelRolledBack(PipelineEvent e, Payload p)
    {
        var alias = p.Text("alias") ?? "champion";
        var line = $"Model rolled back: {Model(e, p)} {alias} is{Version(p, "version", " ")}";
        if (Version(p, "previous_version", "") is { Length: > 0 } previous) line += $" again, replacing {previous}";
        return Join(line, Reason(p));
    }

    private static string DriftDetected(PipelineEvent e, Payload p)
    {
        var features = p.TextList("features") is { Count: > 0 } list ? list : (p.Text("feature") ?? e.Feature) is { } one ? [one] : [];
        var line = new StringBuilder($"Drift detected: model {Model(e, p)}");
        if (features.Count > 0) line.Append(features.Count == 1 ? $", feature {features[0]}" : $", features {string.Join(", ", features)}");
        var statistic = p.Text("statistic");
        var value = p.Number("value");
        if (statistic is not null || value is not null)
            line.Append(", ").Append(string.Join(" ", new[] { statistic, value }.Where(s => s is not null)));
        if (p.Text("severity") is { } severity) line.Append($", severity {severity}");
        return line.Append('.').ToString();
    }

    private static string PerformanceDegraded(PipelineEvent e, Payload p)
    {
        var line = new StringBuilder($"Performance degraded: model {Model(e, p)}{Version(p, "version", " ")}");
        if (p.Text("metric") is { } metric)
        {
            line.Append($": {metric}");
            if (p.Number("value") is { } value) line.Append($" {value}");
            if (p.Number("threshold") is { } threshold) line.Append($" against threshold {threshold}");
        }
        return line.Append('.').ToString();
    }

    private static string ShadowDecided(PipelineEvent e, Payload p)
    {
        var line = $"Shadow decided: model {Model(e, p)}{Version(p, "version", " challenger ")}";
        if (p.Text("decision") is { } decision) line += $": {decision}";
        return Join(line, Reason(p));
    }

    private static string Generic(PipelineEvent e, Payload p)
    {
        var about = new List<string>();
        if ((e.Model ?? p.Text("model")) is { } model) about.Add($"model {model}");
        if ((e.Feature ?? p.Text("feature")) is { } feature) about.Add($"feature {feature}");
        if ((e.Pipeline ?? p.Text("pipeline")) is { } pipeline) about.Add($"pipeline {pipeline}");
        if ((e.RunId ?? p.Text("run_id")) is { } run) about.Add($"run {run}");
        if (p.Text("reason") is { } reason) about.Add($"reason: {reason}");
        return about.Count == 0 ? $"{e.Type}." : $"{e.Type}: {string.Join(", ", about)}.";
    }

    private static string RunName(PipelineEvent e, Payload p)
    {
        var pipeline = e.Pipeline ?? p.Text("pipeline") ?? "?";
        var run = e.RunId ?? p.Text("run_id");
        return run is null ? $"pipeline {pipeline}" : $"pipeline {pipeline}, run {run}";
    }

    private static string Model(PipelineEvent e, Payload p) => e.Model ?? p.Text("model") ?? "?";

    /// <summary>The prefix and "v7" for a version field that is present, "" otherwise.</summary>
    private static string Version(Payload p, string field, string prefix) => p.Text(field) is { } version ? $"{prefix}v{version}" : "";

    private static string? Reason(Payload p) => p.Text("reason") is { Length: > 0 } reason ? $"Reason: {reason}" : null;

    private static string Join(string line, string? reason) => reason is null ? $"{line}." : $"{line}. {reason}";

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    /// <summary>A payload's top-level fields, read tolerantly: a missing, null or malformed field reads as absent.</summary>
    private readonly struct Payload(Dictionary<string, JsonElement> fields)
    {
        public static Payload Parse(string json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Object) return new([]);
                return new(document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
            }
            catch (JsonException)
            {
                return new([]);
            }
        }

        public string? Text(string name) => fields.TryGetValue(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => Number(name),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        } : null;

        public string? Number(string name) => fields.TryGetValue(name, out var value) switch
        {
            true when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) => integer.ToString(CultureInfo.InvariantCulture),
            true when value.ValueKind == JsonValueKind.Number => value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture),
            true when value.ValueKind == JsonValueKind.String => value.GetString(),
            _ => null,
        };

        public List<string> TextList(string name) => fields.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()
                : item.ValueKind == JsonValueKind.Object && item.TryGetProperty("feature", out var feature) ? feature.GetString() : null)
                .OfType<string>().ToList()
            : [];
    }
}
