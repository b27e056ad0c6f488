using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowInstances;

/// <summary><c>GET /workflow-instances/{id}/variables</c>: the run's parameters as the instance's variables.</summary>
internal static class ListInstanceVariables
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-instances/{id}/variables", (string id) =>
        {
            if (context.Instances.Find(id) is not { } found) return Results.NotFound();
            var parameters = JsonNode.Parse(found.Run.ParamsJson) as JsonObject ?? [];
            return ElsaJson.Json(ElsaJson.List(parameters.Select(p => (JsonNode)new JsonObject { ["id"] = "param-" + p.Key, ["name"] = p.Key, ["value"] = p.Value?.DeepClone() })));
        });
}
