using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Service.Api.Models;

/// <summary><c>GET /api/v1/models/{name}/versions/{version}</c>: one version; 404 when the model or the version is unknown.</summary>
internal static class GetModelVersion
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder models, ServiceApiContext context) =>
        models.MapGet("/{name}/versions/{version}", (string name, string version) => Handle(context, name, version))
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("GetModelVersion").WithSummary("Show one version of a model, by number.");

    private static Results<Ok<ModelVersionResponse>, ValidationProblem, ProblemHttpResult> Handle(ServiceApiContext context, string name, string version)
    {
        if (!int.TryParse(version, out var number) || number < 1)
            return ApiProblems.BadValue("version", $"must be a version number (1, 2, ...), not '{version}'");
        var found = context.Read(store => context.Registry(store).Find(name, number.ToString(System.Globalization.CultureInfo.InvariantCulture)), null);
        return found is null ? ApiProblems.NotFound($"model '{name}' has no version {number}") : TypedResults.Ok(ModelVersionResponse.From(found));
    }
}
