using System.Globalization;
using System.Text.Json;
using Pipelines.Engine.Events;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// An event's payload as the dispatcher reads it: single members for matching a subscription's filters, and the fields
/// a recorded firing kept (for a queued start or a resume). The fields a run reads come from
/// <see cref="EventFields.Of"/>.
/// </summary>
public static class EventPayload
{
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
