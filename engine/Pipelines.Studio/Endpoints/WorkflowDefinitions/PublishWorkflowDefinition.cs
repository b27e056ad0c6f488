using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary>
/// <c>POST /workflow-definitions/{definitionId}/publish</c>. Every saved file is what runs, so publishing a file that
/// parses is a no-op reported as already published.
/// </summary>
internal static class PublishWorkflowDefinition
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapPost("/workflow-definitions/{definitionId}/publish", (string definitionId) =>
            DefinitionResponses.TryFind(context.Definitions, definitionId) is { } definition
                ? DefinitionResponses.SaveResponse(definition, [], alreadyPublished: true)
                : Results.NotFound());
}
