using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary>
/// <c>GET /workflow-definitions/by-id/{id}</c>, where the id is <c>definitionId@version</c>: the current file when it is
/// that version, otherwise the version a run recorded, shown read-only (no publish link, not latest).
/// </summary>
internal static class GetByVersionId
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-definitions/by-id/{id}", (string id) => Handle(context, id));

    private static IResult Handle(StudioEndpointContext context, string id)
    {
        var at = id.IndexOf('@');
        if (at <= 0) return Results.NotFound();
        var definitionId = id[..at];
        var definitions = context.Definitions;
        if (definitions.Files.Exists(definitionId) && DefinitionResponses.TryFind(definitions, definitionId) is { } current && current["id"]!.GetValue<string>() == id)
            return ElsaJson.Json(DefinitionResponses.Linked(current));
        foreach (var run in context.Instances.Runs(1000))
        {
            if (WorkflowInstanceService.DefinitionIdOf(run) != definitionId || ElsaWorkflowExporter.VersionId(definitionId, run.PipelineText) != id) continue;
            var old = definitions.FromRunText(definitionId, run.PipelineFile, run.PipelineText)!;
            old["isLatest"] = false;
            old["links"] = new JsonArray();
            return ElsaJson.Json(old);
        }
        return Results.NotFound();
    }
}
