using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Pipelines;

/// <summary><c>GET /api/v1/pipelines/{name}</c>: one pipeline with its triggers and their next fires, or its located errors.</summary>
public static class GetPipeline
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapGet("/pipelines/{name}", Results<Ok<PipelineDetails>, NotFound<ApiError>> (string name) =>
                service.Pipelines.Find(name) is { } pipeline
                    ? TypedResults.Ok(PipelineViews.Details(pipeline, service, DateTimeOffset.UtcNow))
                    : TypedResults.NotFound(new ApiError($"no pipeline named '{name}' in pipelines/")))
            .WithTags("pipelines")
            .WithSummary("Show one pipeline: its triggers with their next fires, its parameters, its errors");
}
