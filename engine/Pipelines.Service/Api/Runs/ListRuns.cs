using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Api.Runs;

/// <summary>
/// <c>GET /api/v1/runs?pipeline=&amp;status=&amp;limit=</c>: runs newest first, queued ones (not started yet) first of
/// all; filtered by pipeline name and status.
/// </summary>
public static class ListRuns
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;

    public static readonly IReadOnlyList<string> Statuses =
        [RunViews.Queued, .. Enum.GetValues<RunStatus>().Select(StatusText.Of)];

    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapGet("/runs", Results<Ok<RunList>, BadRequest<ApiError>> (string? pipeline, string? status, int? limit) =>
            {
                if (status is not null && !Statuses.Contains(status))
                    return TypedResults.BadRequest(new ApiError($"status '{status}' is not one of {string.Join(", ", Statuses)}"));
                var count = limit ?? DefaultLimit;
                if (count is < 1 or > MaxLimit) return TypedResults.BadRequest(new ApiError($"limit {count} is not between 1 and {MaxLimit}"));
                var items = new List<RunSummary>();
                if (status is null or RunViews.Queued)
                    items.AddRange(service.Dispatcher.Queued().Where(f => pipeline is null || f.Pipeline == pipeline).Reverse().Select(RunViews.Summary));
                if (status != RunViews.Queued)
                {
                    // Filtering by status reads further back, so a rare status still fills the page.
                    var runs = service.Store.ListRuns(status is null ? count : MaxLimit, pipeline);
                    items.AddRange(runs.Where(r => status is null || StatusText.Of(r.Status) == status)
                        .Select(r => RunViews.Summary(r, service.Dispatcher.Firings.ForRun(r.RunId))));
                }
                return TypedResults.Ok(new RunList(items.Take(count).ToList()));
            })
            .WithTags("runs")
            .WithSummary("List runs, newest first, by pipeline and status");
}
