using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowInstances;

/// <summary><c>GET /workflow-instances/{id}</c>: one run as a workflow instance.</summary>
internal static class GetWorkflowInstance
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-instances/{id}", (string id) =>
            context.Instances.Find(id) is { } found ? ElsaJson.Json(WorkflowInstanceService.Model(found.Run)) : Results.NotFound());
}
