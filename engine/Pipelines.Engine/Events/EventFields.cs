using System.Globalization;
using System.Text.Json;

namespace Pipelines.Engine.Events;

/// <summary>
/// A stored event as the named fields a run it starts reads (<c>${{ trigger.event.NAME }}</c>) and a subscription
/// filters on: the envelope's <c>id</c>, <c>type</c>, <c>time</c>, <c>source</c>, <c>pipeline</c>, <c>run_id</c>,
/// <c>step_id</c>, <c>model</c> and <c>feature</c>, then every top-level key of the payload. The envelope wins over a
/// payload key of the same name, so a payload cannot disguise where an event came from.
/// </summary>
public static class EventFields
{
    public static IReadOnlyDictionary<string, object?> Of(PipelineEvent stored)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        using (var payload = JsonDocument.Parse(stored.PayloadJson))
        {
            if (payload.RootElement.ValueKind == JsonValueKind.Object)
                foreach (var property in payload.RootElement.EnumerateObject())
                    fields[property.Name] = Value(property.Value);
        }
        fields["id"] = stored.Id;
        fields["type"] = stored.Type;
        fields["time"] = DateTime.SpecifyKind(stored.Time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        fields["source"] = stored.Source;
        fields["pipeline"] = stored.Pipeline;
        fields["run_id"] = stored.RunId;
        fields["step_id"] = stored.StepId;
        fields["model"] = stored.Model;
        fields["feature"] = stored.Feature;
        return fields;
    }

    /// <summary>Scalars as text, whole numbers, reals and booleans; lists and objects as their JSON text.</summary>
    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? (object)whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
