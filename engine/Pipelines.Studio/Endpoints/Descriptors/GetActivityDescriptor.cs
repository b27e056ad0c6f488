using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.Descriptors;

/// <summary><c>GET /descriptors/activities/{typeName}</c>: one step type's activity, 404 when the catalogue has none.</summary>
internal static class GetActivityDescriptor
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/descriptors/activities/{typeName}", (string typeName) =>
            context.ActivityDescriptors.FirstOrDefault(d => d!["typeName"]!.GetValue<string>() == typeName) is { } found
                ? ElsaJson.Json(found.DeepClone())
                : Results.NotFound());
}
