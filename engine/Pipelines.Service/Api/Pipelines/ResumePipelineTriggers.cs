using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Pipelines;

/// <summary><c>POST /api/v1/pipelines/{name}/triggers/resume</c>: its schedules fire again from their next fire.</summary>
public static class ResumePipelineTriggers
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapPost("/pipelines/{name}/triggers/resume", async Task<Results<Ok<TriggerState>, NotFound<ApiError>>> (string name) =>
                await service.Scheduler.ResumeAsync(name)
                    ? TypedResults.Ok(new TriggerState(name, false))
                    : TypedResults.NotFound(new ApiError($"no pipeline named '{name}' in pipelines/")))
            .WithTags("pipelines")
            .WithSummary("Resume a pipeline's scheduled triggers");
}
