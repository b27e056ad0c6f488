using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.Descriptors;

/// <summary><c>GET /descriptors/activities</c>: one activity per step type of the catalogue.</summary>
internal static class ListActivityDescriptors
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/descriptors/activities", () => ElsaJson.Json(ElsaJson.List(context.ActivityDescriptors.Select(d => d!.DeepClone()))));
}
