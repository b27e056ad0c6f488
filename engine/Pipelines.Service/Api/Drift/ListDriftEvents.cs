using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Api.Drift;

/// <summary>
/// <c>GET /api/v1/drift/events?model=&amp;feature=&amp;days=&amp;limit=</c>: what drift/check and the tick loop recorded
/// in the last days (7 by default), newest first, optionally for one model and one feature.
/// </summary>
internal static class ListDriftEvents
{
    private const int MaxLimit = 10_000;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder drift, ServiceApiContext context) =>
        drift.MapGet("/events", ([AsParameters] DriftEventsRequest request) => Handle(context, request.Model, request.Feature, request.Days, request.Limit))
            .WithName("ListDriftEvents").WithSummary("Drift findings per model and feature, newest first.");

    private static Results<Ok<DriftEventListResponse>, ValidationProblem> Handle(ServiceApiContext context, string? model, string? feature, string? daysText, string? limitText)
    {
        if (!QueryValues.TryDays(daysText, 7, out var days, out var error)) return ApiProblems.BadValue("days", error);
        if (!QueryValues.TryLimit(limitText, 500, MaxLimit, out var limit, out error)) return ApiProblems.BadValue("limit", error);
        var since = context.DaysAgo(days);
        var items = context.Read(store => store.Read(connection => connection.Rows(
            "SELECT run_id, step_id, model, feature, statistic, value, severity, detail, detected_at FROM drift_events " +
            "WHERE detected_at >= ? AND (? IS NULL OR model = ?) AND (? IS NULL OR feature = ?) ORDER BY detected_at DESC, feature LIMIT ?",
            row => StoreEntities.DriftEvent(row), since, Empty(model), Empty(model), Empty(feature), Empty(feature), limit)), [])
            .Select(d => new DriftEventResponse(d.DetectedAt, d.Model, d.Feature, d.Statistic, d.Value, d.Severity, d.Detail, d.RunId, d.StepId))
            .ToList();
        return TypedResults.Ok(new DriftEventListResponse(items));
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
