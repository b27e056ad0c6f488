using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.ActivityExecutions;

/// <summary><c>GET /activity-executions/by-id?id=RUN:STEP</c>: one step run of one run.</summary>
internal static class GetActivityExecution
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/activity-executions/by-id", (HttpRequest request) =>
        {
            var id = request.Query["id"].ToString();
            var colon = id.LastIndexOf(':');
            if (colon <= 0 || context.Instances.Find(id[..colon]) is not { } found) return Results.NotFound();
            var step = found.Steps.FirstOrDefault(s => s.StepId == id[(colon + 1)..]);
            return step is null ? Results.NotFound() : ElsaJson.Json(WorkflowInstanceService.Execution(found.Run, step));
        });
}
