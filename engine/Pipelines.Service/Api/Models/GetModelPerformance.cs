using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Events;

namespace Pipelines.Service.Api.Models;

/// <summary>
/// <c>GET /api/v1/models/{name}/performance?days=</c>: the model's realised performance over the last days (30 by
/// default), newest first: every <c>performance.checked</c> and <c>performance.degraded</c> event monitor/performance
/// published about it, with its payload as published.
/// </summary>
internal static class GetModelPerformance
{
    public const string Checked = "performance.checked";
    public const string Degraded = "performance.degraded";
    private const int MaxPoints = 10_000;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapGet("/{name}/performance", (string name, [AsParameters] PerformanceRequest request) => Handle(context, name, request.Days))
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("GetModelPerformance").WithSummary("Realised performance history of a model: its performance.checked and performance.degraded events.");

    private static Results<Ok<PerformanceHistoryResponse>, ValidationProblem, ProblemHttpResult> Handle(ServiceApiContext context, string name, string? daysText)
    {
        if (!QueryValues.TryDays(daysText, 30, out var days, out var error)) return ApiProblems.BadValue("days", error);
        var since = context.DaysAgo(days);
        var points = context.Read(store =>
        {
            if (!context.Registry(store).Models().Contains(name, StringComparer.Ordinal)) return null;
            return new[] { Checked, Degraded }
                .SelectMany(type => store.Events(new EventQuery(Type: type, Model: name, Since: since, Limit: MaxPoints)))
                .OrderByDescending(e => e.Sequence)
                .Select(e => new PerformancePoint(e.Time, e.Type, e.RunId, Payload(e.PayloadJson)))
                .ToList();
        }, null);
        return points is null ? ApiProblems.NotFound($"no model named '{name}' is registered") : TypedResults.Ok(new PerformanceHistoryResponse(name, days, points));
    }

    private static JsonElement Payload(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
