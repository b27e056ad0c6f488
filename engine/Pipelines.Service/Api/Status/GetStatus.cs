using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Status;

/// <summary><c>GET /api/v1/status</c>: the scheduler (running, next fires, paused pipelines) and each model's champion, challenger and last checks.</summary>
internal static class GetStatus
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder status, ServiceApiContext context) =>
        status.MapGet("/", (HttpContext http) => Handle(context, http))
            .WithName("GetStatus").WithSummary("Scheduler state and next fires; champion, challenger and the last drift and performance checks per model.");

    private static Ok<StatusResponse> Handle(ServiceApiContext context, HttpContext http) =>
        TypedResults.Ok(StatusReport.Build(context, context.Schedule(http)));
}
