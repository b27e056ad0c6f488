using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Models;

/// <summary><c>POST /api/v1/models/{name}/promote</c>: points an alias (champion by default) at a version; audited with the caller.</summary>
internal static class PromoteModel
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapPost("/{name}/promote", async (string name, HttpContext http) =>
                await RegistryChange.Apply(context, http, name, "promote", versionRequired: true,
                    (registry, body, alias) => registry.Promote(name, body.Version!.Value, alias, body.Reason!)))
            .Accepts<RegistryChangeRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithName("PromoteModel").WithSummary("Promote a version to champion (or to the alias given); the previous champion is retired.");
}
