using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Models;

/// <summary><c>GET /api/v1/models/{name}</c>: a model's versions and audit trail; 404 for a model nobody registered.</summary>
internal static class GetModel
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapGet("/{name}", (string name) => Handle(context, name))
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("GetModel").WithSummary("Show a model: its versions, aliases and the audit trail of every registry change.");

    private static Results<Ok<ModelDetailResponse>, ProblemHttpResult> Handle(ServiceApiContext context, string name)
    {
        var detail = context.Read(store =>
        {
            var registry = context.Registry(store);
            if (!registry.Models().Contains(name, StringComparer.Ordinal)) return null;
            var versions = registry.Versions(name);
            return new ModelDetailResponse(name, ModelAliases.Champion(versions), ModelAliases.Challenger(versions),
                versions.Select(ModelVersionResponse.From).ToList(), registry.Transitions(name).Select(ModelTransitionResponse.From).ToList());
        }, null);
        return detail is null ? ApiProblems.NotFound($"no model named '{name}' is registered") : TypedResults.Ok(detail);
    }
}
