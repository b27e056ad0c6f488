using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Runs;

/// <summary><c>GET /api/v1/runs/{id}</c>: one run (id or unique prefix) with what started it and each step's outcome.</summary>
public static class GetRun
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapGet("/runs/{id}", Results<Ok<RunDetails>, NotFound<ApiError>, BadRequest<ApiError>> (string id) =>
            {
                if (service.Dispatcher.Queued().FirstOrDefault(f => f.RunId == id) is { } queued) return TypedResults.Ok(RunViews.Details(queued));
                try
                {
                    return service.Store.FindRun(id) is { } run
                        ? TypedResults.Ok(RunViews.Details(run, service.Dispatcher.Firings.ForRun(run.RunId), service.Store))
                        : TypedResults.NotFound(new ApiError($"no run '{id}' in the store"));
                }
                catch (ArgumentException e)
                {
                    return TypedResults.BadRequest(new ApiError(e.Message));
                }
            })
            .WithTags("runs")
            .WithSummary("Show one run: status, trigger and steps");
}
