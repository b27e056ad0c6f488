using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Models;

/// <summary><c>POST /api/v1/models/{name}/rollback</c>: points an alias back at the version it named before its last promotion.</summary>
internal static class RollbackModel
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapPost("/{name}/rollback", async (string name, HttpContext http) =>
                await RegistryChange.Apply(context, http, name, "rollback", versionRequired: false, (registry, body, alias) =>
                {
                    if (body.Version is { } expected && registry.Find(name, alias) is { } current && current.Version != expected)
                        throw new InvalidOperationException($"model '{name}' {alias} is version {current.Version}, not {expected}; nothing was rolled back");
                    return registry.Rollback(name, alias, body.Reason!);
                }))
            .Accepts<RegistryChangeRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithName("RollbackModel").WithSummary("Roll an alias (champion by default) back to the version it named before its last promotion.");
}
