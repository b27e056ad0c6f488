using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>GET /workflow-definitions/by-definition-id/{definitionId}</c>: the current definition of one pipeline file.</summary>
internal static class GetByDefinitionId
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-definitions/by-definition-id/{definitionId}", (string definitionId) => Handle(context.Definitions, definitionId));

    private static IResult Handle(WorkflowDefinitionService definitions, string definitionId)
    {
        if (!definitions.Files.IsValidId(definitionId) || !definitions.Files.Exists(definitionId)) return Results.NotFound();
        try { return ElsaJson.Json(DefinitionResponses.Linked(definitions.Find(definitionId)!)); }
        catch (PipelineValidationException e)
        {
            // Elsa answers 422 when a definition cannot be materialised; the file has to be fixed as text first.
            return ElsaJson.Json(new JsonObject { ["validationErrors"] = DefinitionResponses.ValidationErrors(e.Diagnostics) }, StatusCodes.Status422UnprocessableEntity);
        }
    }
}
