using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Pipelines.Engine.Events;

/// <summary>
/// A stored event as a CloudEvent 1.0: <c>id</c>, <c>type</c>, <c>time</c> and the data carry over unchanged;
/// <c>source</c> is the publishing run and step as a URI reference; <c>subject</c> is the model, or model/feature for
/// a finding about one feature. Run id, pipeline and the store's sequence travel as extension attributes, so a
/// receiver can deduplicate by <c>id</c> and order by <c>pipelinesseq</c>.
/// </summary>
public static class CloudEventMapping
{
    public static readonly CloudEventAttribute PipelineAttribute = CloudEventAttribute.CreateExtension("pipeline", CloudEventAttributeType.String);
    public static readonly CloudEventAttribute RunIdAttribute = CloudEventAttribute.CreateExtension("runid", CloudEventAttributeType.String);
    public static readonly CloudEventAttribute SequenceAttribute = CloudEventAttribute.CreateExtension("pipelinesseq", CloudEventAttributeType.Integer);

    private static readonly CloudEventAttribute[] Extensions = [PipelineAttribute, RunIdAttribute, SequenceAttribute];
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>The media type of one event in structured mode.</summary>
    public const string StructuredContentType = "application/cloudevents+json";

    public static CloudEvent ToCloudEvent(PipelineEvent stored)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, Extensions)
        {
            Id = stored.Id,
            Type = stored.Type,
            Source = new Uri(stored.Source, UriKind.RelativeOrAbsolute),
            Time = new DateTimeOffset(DateTime.SpecifyKind(stored.Time, DateTimeKind.Utc)),
            Subject = SubjectOf(stored),
            DataContentType = MediaTypeNames.Application.Json,
            Data = JsonDocument.Parse(stored.PayloadJson).RootElement.Clone(),
        };
        if (stored.Pipeline is not null) cloudEvent[PipelineAttribute] = stored.Pipeline;
        if (stored.RunId is not null) cloudEvent[RunIdAttribute] = stored.RunId;
        // CloudEvents' Integer is 32-bit; a store that outgrows it keeps its order through time and id instead.
        if (stored.Sequence <= int.MaxValue) cloudEvent[SequenceAttribute] = (int)stored.Sequence;
        return cloudEvent;
    }

    /// <summary>The event in structured JSON mode: the body of a webhook and one line of <c>pipelines events --json</c>.</summary>
    public static byte[] ToStructuredJson(PipelineEvent stored) =>
        Formatter.EncodeStructuredModeMessage(ToCloudEvent(stored), out _).ToArray();

    /// <summary>Reads one structured-mode CloudEvent back, with this store's extension attributes known.</summary>
    public static CloudEvent FromStructuredJson(ReadOnlyMemory<byte> body) =>
        Formatter.DecodeStructuredModeMessage(body, new ContentType(StructuredContentType), Extensions);

    /// <summary>The CloudEvent subject: the model, or model/feature for a finding about one feature.</summary>
    public static string? SubjectOf(PipelineEvent stored) => (stored.Model, stored.Feature) switch
    {
        (null, null) => null,
        ({ } model, null) => model,
        (null, { } feature) => feature,
        ({ } model, { } feature) => $"{model}/{feature}",
    };
}
