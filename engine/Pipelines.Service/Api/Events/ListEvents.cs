using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Events;

namespace Pipelines.Service.Api.Events;

/// <summary><c>GET /api/v1/events?type=&amp;model=&amp;pipeline=&amp;since=&amp;limit=</c>: stored events as CloudEvents, newest first.</summary>
internal static class ListEvents
{
    private const int MaxLimit = 10_000;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder events, ServiceApiContext context) =>
        events.MapGet("/", ([AsParameters] EventListRequest request) => Handle(context, request.Type, request.Model, request.Pipeline, request.Since, request.Limit))
            .WithName("ListEvents").WithSummary("Events as CloudEvents 1.0 (structured JSON), newest first; optionally of one type, model or pipeline; since is a date-time or 90m, 24h, 7d.");

    private static Results<Ok<EventListResponse>, ValidationProblem> Handle(ServiceApiContext context, string? type, string? model, string? pipeline, string? sinceText, string? limitText)
    {
        if (!QueryValues.TrySince(sinceText, context.Now, out var since, out var error)) return ApiProblems.BadValue("since", error);
        if (!QueryValues.TryLimit(limitText, 100, MaxLimit, out var limit, out error)) return ApiProblems.BadValue("limit", error);
        var query = new EventQuery(Type: string.IsNullOrEmpty(type) ? null : type, Model: string.IsNullOrEmpty(model) ? null : model,
            Pipeline: string.IsNullOrEmpty(pipeline) ? null : pipeline, Since: since, Limit: limit);
        var items = context.Read(store => store.Events(query), []).Select(CloudEventJson.Element).ToList();
        return TypedResults.Ok(new EventListResponse(items));
    }
}
