using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.Descriptors;

/// <summary>
/// Descriptor lists Studio asks for that are empty here: pipelines have no activation, persistence, incident or commit
/// strategies, storage drivers or output converters, and no Elsa features are installed.
/// </summary>
internal static class ListEmptyDescriptors
{
    private static readonly string[] Routes =
    [
        "/descriptors/workflow-activation-strategies", "/descriptors/log-persistence-strategies", "/descriptors/incident-strategies",
        "/descriptors/commit-strategies/workflows", "/descriptors/commit-strategies/activities", "/descriptors/storage-drivers",
        "/descriptors/output-converters", "/features/installed",
    ];

    public static void Map(IEndpointRouteBuilder api)
    {
        foreach (var route in Routes) api.MapGet(route, () => ElsaJson.Json(ElsaJson.List([])));
    }
}
