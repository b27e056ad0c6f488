using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>GET /workflow-definitions/validation/is-name-unique?name=</c>: whether no pipeline file has that id.</summary>
internal static class IsNameUnique
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-definitions/validation/is-name-unique", (HttpRequest request) =>
        {
            var name = request.Query["name"].ToString();
            return ElsaJson.Json(new JsonObject { ["isUnique"] = !context.Definitions.Files.DefinitionIds().Contains(name, StringComparer.Ordinal) });
        });
}
