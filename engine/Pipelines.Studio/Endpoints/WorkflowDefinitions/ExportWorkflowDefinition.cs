using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>GET /workflow-definitions/{definitionId}/export</c>: the definition as a downloadable JSON file, named as Elsa names it.</summary>
internal static class ExportWorkflowDefinition
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-definitions/{definitionId}/export", (string definitionId) =>
        {
            if (DefinitionResponses.TryFind(context.Definitions, definitionId) is not { } definition) return Results.NotFound();
            var bytes = Encoding.UTF8.GetBytes(definition.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return Results.File(bytes, "application/json", $"workflow-definition-{definitionId}-{definitionId}-{definition["id"]}.json");
        });
}
