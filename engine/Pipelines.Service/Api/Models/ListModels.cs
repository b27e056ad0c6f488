using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Models;

/// <summary><c>GET /api/v1/models</c>: every registered model with its champion and challenger.</summary>
internal static class ListModels
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapGet("/", () => Handle(context))
            .WithName("ListModels").WithSummary("List registered models with their champion and challenger versions and their newest version.");

    private static Ok<ModelListResponse> Handle(ServiceApiContext context) => TypedResults.Ok(new ModelListResponse(context.Read(store =>
    {
        var registry = context.Registry(store);
        return registry.Models().Select(name =>
        {
            var versions = registry.Versions(name);
            return new ModelSummary(name, ModelAliases.Champion(versions), ModelAliases.Challenger(versions), versions.Count,
                versions.Count == 0 ? null : versions.Max(v => v.CreatedAt),
                versions.Count == 0 ? null : versions[^1].Version, versions.Count == 0 ? null : versions[^1].Stage);
        }).ToList();
    }, [])));
}
