using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Runs;

/// <summary>A run an action was taken on, and where it stands now.</summary>
public sealed record RunActionResponse(string RunId, string Status);

/// <summary>
/// <c>POST /api/v1/runs/{id}/cancel</c>: a running run is cancelled (its running steps are stopped and it is recorded
/// cancelled); a queued one is withdrawn before it starts.
/// </summary>
public static class CancelRun
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapPost("/runs/{id}/cancel", Results<Accepted<RunActionResponse>, NotFound<ApiError>, Conflict<ApiError>> (string id) =>
            {
                var runId = service.Dispatcher.Queued().FirstOrDefault(f => f.RunId == id)?.RunId ?? service.Store.FindRun(id)?.RunId;
                if (runId is null) return TypedResults.NotFound(new ApiError($"no run '{id}' in the store"));
                var wasQueued = service.Dispatcher.IsQueued(runId);
                return service.Dispatcher.Cancel(runId)
                    ? TypedResults.Accepted($"{ServiceHost.ApiPrefix}/runs/{runId}", new RunActionResponse(runId, wasQueued ? "withdrawn" : "cancelling"))
                    : TypedResults.Conflict(new ApiError($"run {runId} is not running in this service"));
            })
            .WithTags("runs")
            .WithSummary("Cancel a running or queued run");
}
