using System.Text.Json;
using Pipelines.Engine.Events;

namespace Pipelines.Service.Api.Events;

internal static class CloudEventJson
{
    public static JsonElement Element(PipelineEvent stored)
    {
        using var document = JsonDocument.Parse(CloudEventMapping.ToStructuredJson(stored));
        return document.RootElement.Clone();
    }
}
