using System.Globalization;
using System.Text.Json;
using Pipelines.Engine.Events;
using Pipelines.Engine.Triggers;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// What <c>${{ trigger.event.NAME }}</c> reads of an event: the fields the event catalogue lists for its type, taken
/// from the envelope (id, type, time, pipeline, run, model, feature) and otherwise from the payload's members.
/// </summary>
public static class EventFields
{
    public static IReadOnlyDictionary<string, object?> Of(PipelineEvent stored)
    {
        using var payload = ParsePayload(stored.PayloadJson);
        var names = EventCatalog.Find(stored.Type)?.Fields ?? ["id", "type", "time", "pipeline", "run_id", "model", "feature"];
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in names)
            fields[name] = name switch
            {
                "id" => stored.Id,
                "type" => stored.Type,
                "time" => stored.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                "pipeline" => stored.Pipeline ?? Member(payload, name),
                "run_id" => stored.RunId ?? Member(payload, name),
                "model" => stored.Model ?? Member(payload, name),
                "feature" => stored.Feature ?? Member(payload, name),
                _ => Member(payload, name),
            };
        return fields;
    }

    /// <summary>The fields as a recorded firing kept them (JSON object), for a queued start or a resume.</summary>
    public static IReadOnlyDictionary<string, object?> FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value), StringComparer.Ordinal);
    }

    /// <summary>The payload member <paramref name="name"/> as text, number or flag; null when absent.</summary>
    public static object? Member(JsonDocument? payload, string name) =>
        payload is not null && payload.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.TryGetProperty(name, out var value)
            ? Plain(value) : null;

    public static JsonDocument? ParsePayload(string json)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException) { return null; }
    }

    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
