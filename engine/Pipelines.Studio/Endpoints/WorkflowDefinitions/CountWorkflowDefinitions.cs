using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>GET /workflow-definitions/query/count</c>: how many pipeline files there are.</summary>
internal static class CountWorkflowDefinitions
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-definitions/query/count", () => ElsaJson.Json(new JsonObject { ["count"] = context.Definitions.Files.DefinitionIds().Count }));
}
