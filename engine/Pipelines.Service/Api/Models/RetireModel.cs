using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Models;

/// <summary><c>POST /api/v1/models/{name}/retire</c>: retires a version that is not the champion; audited with the caller.</summary>
internal static class RetireModel
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapPost("/{name}/retire", async (string name, HttpContext http) =>
                await RegistryChange.Apply(context, http, name, "retire", versionRequired: true,
                    (registry, body, _) => registry.Retire(name, body.Version!.Value, body.Reason!)))
            .Accepts<RegistryChangeRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithName("RetireModel").WithSummary("Retire a version (never the champion); a challenger stops challenging.");
}
