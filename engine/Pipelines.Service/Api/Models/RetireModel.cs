using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Models;

/// <summary><c>POST /api/v1/models/{name}/retire</c>: retires a version that is not the champion; audited with the caller.</summary>
internal static class RetireModel
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapPost("/{name}/retire", (string name, RegistryChangeRequest? request, HttpContext http) =>
                RegistryChange.Apply(context, http, name, request, "retire", versionRequired: true,
                    (registry, body, _) => registry.Retire(name, body.Version!.Value, body.Reason!)))
            .WithName("RetireModel").WithSummary("Retire a version (never the champion); a challenger stops challenging.");
}
