using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Runs;

/// <summary>
/// <c>POST /api/v1/runs/{id}/resume</c>: continues a failed, cancelled or interrupted run with the pipeline text and
/// parameters it started with; completed steps are not redone.
/// </summary>
public static class ResumeRun
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapPost("/runs/{id}/resume", Results<Accepted<RunActionResponse>, NotFound<ApiError>, Conflict<ApiError>> (string id) =>
            {
                try
                {
                    var runId = service.Dispatcher.Resume(id);
                    return TypedResults.Accepted($"{ServiceHost.ApiPrefix}/runs/{runId}", new RunActionResponse(runId, "running"));
                }
                catch (ArgumentException e)
                {
                    return TypedResults.NotFound(new ApiError(e.Message));
                }
                catch (InvalidOperationException e)
                {
                    return TypedResults.Conflict(new ApiError(e.Message));
                }
            })
            .WithTags("runs")
            .WithSummary("Resume a failed, cancelled or interrupted run");
}
