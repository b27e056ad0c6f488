using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Observability;

/// <summary><c>GET /healthz</c>: 200 when the store answers a query, 503 otherwise (no store yet, or another process holds it).</summary>
internal static class HealthEndpoint
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app, StoreAccess store) =>
        app.MapGet("/healthz", () => Handle(store)).WithTags("Observability").WithSummary("Whether the store is reachable.");

    private static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> Handle(StoreAccess store)
    {
        try
        {
            var version = store.Use<int?>(s => s.SchemaVersion, null);
            return version is { } schema
                ? TypedResults.Ok(new HealthResponse("ok", schema, null))
                : Unavailable("no store has been created in this workspace yet");
        }
        catch (Exception e) when (e is StoreLockedException or IOException or InvalidOperationException)
        {
            return Unavailable(e.Message);
        }
    }

    private static JsonHttpResult<HealthResponse> Unavailable(string why) =>
        TypedResults.Json(new HealthResponse("unavailable", null, why), statusCode: StatusCodes.Status503ServiceUnavailable);
}
