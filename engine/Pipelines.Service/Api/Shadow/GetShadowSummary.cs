using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Api.Shadow;

/// <summary>
/// <c>GET /api/v1/shadow/summary?model=&amp;days=</c>: the shadow comparisons recorded in the last days (30 by
/// default), one row per model and champion/challenger pairing.
/// </summary>
internal static class GetShadowSummary
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder shadow, ServiceApiContext context) =>
        shadow.MapGet("/summary", ([AsParameters] ShadowSummaryRequest request) => Handle(context, request.Model, request.Days))
            .WithName("GetShadowSummary").WithSummary("Shadow comparisons per model and champion/challenger pairing: pairs, outcomes and each side's error.");

    private static Results<Ok<ShadowSummaryResponse>, ValidationProblem> Handle(ServiceApiContext context, string? model, string? daysText)
    {
        if (!QueryValues.TryDays(daysText, 30, out var days, out var error)) return ApiProblems.BadValue("days", error);
        var since = context.DaysAgo(days);
        var wanted = string.IsNullOrEmpty(model) ? null : model;
        var items = context.Read(store => store.Read(connection => connection.Rows(
            "SELECT model, champion_version, challenger_version, count(*) AS pairs, count(outcome) AS with_outcome, " +
            "avg(abs(champion - outcome)) AS champion_mae, avg(abs(challenger - outcome)) AS challenger_mae, " +
            "count(*) FILTER (WHERE challenger_decides) AS challenger_decides, count(DISTINCT run_id) AS runs, " +
            "min(recorded_at) AS first_recorded, max(recorded_at) AS last_recorded " +
            "FROM shadow_predictions WHERE recorded_at >= ? AND (? IS NULL OR model = ?) " +
            "GROUP BY model, champion_version, challenger_version ORDER BY model, champion_version, challenger_version",
            row => new ShadowPairing(row.Text("model"), (int)row.Integer("champion_version"), (int)row.Integer("challenger_version"),
                row.Integer("pairs"), row.Integer("with_outcome"), row.RealOrNull("champion_mae"), row.RealOrNull("challenger_mae"),
                row.Integer("challenger_decides"), row.Integer("runs"), row.Time("first_recorded"), row.Time("last_recorded")),
            since, wanted, wanted)), []);
        return TypedResults.Ok(new ShadowSummaryResponse(days, items));
    }
}
