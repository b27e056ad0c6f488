using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Pipelines;

/// <summary><c>GET /api/v1/pipelines</c>: every pipeline file in <c>pipelines/</c>, valid or not, with how it is triggered.</summary>
public static class ListPipelines
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapGet("/pipelines", Ok<PipelineList> () =>
            {
                var now = DateTimeOffset.UtcNow;
                return TypedResults.Ok(new PipelineList(service.Pipelines.All.Select(p => PipelineViews.Summary(p, service, now)).ToList()));
            })
            .WithTags("pipelines")
            .WithSummary("List the workspace's pipelines with their triggers and next scheduled fire");
}
