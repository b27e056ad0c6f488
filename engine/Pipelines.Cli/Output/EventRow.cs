using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipelines.Engine.Events;

namespace Pipelines.Cli.Output;

/// <summary>
/// One line of <c>pipelines events</c>, read from an event's CloudEvent in structured JSON: the service answers with
/// those, and a local read turns each stored event into one first, so both paths print the same table and, with
/// <c>--json</c>, the same lines. <see cref="Sequence"/> is absent when the store's counter outgrew the 32-bit
/// CloudEvents extension; <see cref="StepId"/> comes from the source <c>/pipelines/NAME/runs/RUN/steps/STEP</c>.
/// </summary>
public sealed record EventRow(
    long? Sequence, DateTime Time, string Type, string? Pipeline, string? RunId, string? StepId, string? Subject, string Payload, string StructuredJson)
{
    private const string StepsSegment = "/steps/";

    /// <summary>A stored event, through the same CloudEvent a webhook and the service's API carry.</summary>
    public static EventRow From(PipelineEvent stored)
    {
        var json = Encoding.UTF8.GetString(CloudEventMapping.ToStructuredJson(stored));
        using var document = JsonDocument.Parse(json);
        return From(document.RootElement, json);
    }

    /// <summary>
    /// One item of the service's <c>GET /api/v1/events</c>. The service's JSON escapes less than the CloudEvents
    /// formatter does (it writes <c>&lt;</c> where the formatter writes <c>\u003C</c>), so the item is written again
    /// with the formatter's escaping: the line then matches, byte for byte, what a local read and a webhook give.
    /// </summary>
    public static EventRow From(JsonElement cloudEvent)
    {
        var json = WrittenAsTheFormatterWrites(cloudEvent);
        using var document = JsonDocument.Parse(json);
        return From(document.RootElement, json);
    }

    private static string WrittenAsTheFormatterWrites(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) element.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static EventRow From(JsonElement cloudEvent, string structuredJson)
    {
        var source = Text(cloudEvent, "source");
        var step = source?.IndexOf(StepsSegment, StringComparison.Ordinal) is >= 0 and var at ? source[(at + StepsSegment.Length)..] : null;
        return new EventRow(
            cloudEvent.TryGetProperty(CloudEventMapping.SequenceAttribute.Name, out var sequence) && sequence.ValueKind == JsonValueKind.Number ? sequence.GetInt64() : null,
            DateTimeOffset.Parse(Text(cloudEvent, "time") ?? throw new FormatException($"event {Text(cloudEvent, "id")} has no time"), CultureInfo.InvariantCulture).UtcDateTime,
            Text(cloudEvent, "type") ?? "", Text(cloudEvent, CloudEventMapping.PipelineAttribute.Name), Text(cloudEvent, CloudEventMapping.RunIdAttribute.Name),
            step, Text(cloudEvent, "subject"),
            cloudEvent.TryGetProperty("data", out var data) ? data.GetRawText() : "", structuredJson);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
