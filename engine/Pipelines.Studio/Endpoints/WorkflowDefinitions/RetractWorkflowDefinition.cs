using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>POST /workflow-definitions/{definitionId}/retract</c>: refused, a pipeline file is always published.</summary>
internal static class RetractWorkflowDefinition
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/workflow-definitions/{definitionId}/retract", (string definitionId) =>
            Results.BadRequest(new { message = $"'{definitionId}' is a pipeline file; it cannot be unpublished, only deleted" }));
}
