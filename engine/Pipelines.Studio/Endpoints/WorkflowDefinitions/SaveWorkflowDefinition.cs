using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>POST /workflow-definitions</c> with <c>{ "model": {...}, "publish": bool }</c>: checks and rewrites the pipeline file.</summary>
internal static class SaveWorkflowDefinition
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapPost("/workflow-definitions", async (HttpRequest request) =>
        {
            var body = await ElsaJson.ReadBody(request);
            if (body?["model"] is not JsonObject model) return Results.BadRequest(new { message = "the body is {\"model\": {...}, \"publish\": bool}" });
            var (definition, errors) = context.Definitions.Save(model);
            return DefinitionResponses.SaveResponse(definition, errors, alreadyPublished: false);
        });
}
