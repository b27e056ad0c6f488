using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Pipelines;

/// <summary>Whether a pipeline's triggers fire.</summary>
public sealed record TriggerState(string Pipeline, bool Paused);

/// <summary><c>POST /api/v1/pipelines/{name}/triggers/pause</c>: its schedules stop firing until resumed (manual starts still work).</summary>
public static class PausePipelineTriggers
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapPost("/pipelines/{name}/triggers/pause", async Task<Results<Ok<TriggerState>, NotFound<ApiError>>> (string name) =>
                await service.Scheduler.PauseAsync(name)
                    ? TypedResults.Ok(new TriggerState(name, true))
                    : TypedResults.NotFound(new ApiError($"no pipeline named '{name}' in pipelines/")))
            .WithTags("pipelines")
            .WithSummary("Pause a pipeline's scheduled triggers");
}
