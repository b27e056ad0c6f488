using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>POST|PUT /workflow-definitions/import</c> with a whole definition: saved as a pipeline file once it checks.</summary>
internal static class ImportWorkflowDefinition
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapMethods("/workflow-definitions/import", ["POST", "PUT"], async (HttpRequest request) =>
        {
            if (await ElsaJson.ReadBody(request) is not { } model) return Results.BadRequest(new { message = "the body is a workflow definition" });
            var (definition, errors) = context.Definitions.Save(model);
            return errors.Count == 0
                ? ElsaJson.Json(DefinitionResponses.Linked(definition!))
                : ElsaJson.Json(new JsonObject { ["validationErrors"] = DefinitionResponses.ValidationErrors(errors) }, StatusCodes.Status400BadRequest);
        });
}
