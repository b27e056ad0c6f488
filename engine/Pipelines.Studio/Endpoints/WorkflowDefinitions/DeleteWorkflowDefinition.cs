using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>DELETE /workflow-definitions/{definitionId}</c>: deletes the pipeline file.</summary>
internal static class DeleteWorkflowDefinition
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapDelete("/workflow-definitions/{definitionId}", (string definitionId) =>
            context.Definitions.Files.IsValidId(definitionId) && context.Definitions.Files.Delete(definitionId) ? Results.NoContent() : Results.NotFound());
}
