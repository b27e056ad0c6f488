using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipelines.Abstractions;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Api.Models;

/// <summary>
/// What promote, rollback and retire share: the checks of the body, the caller as the audit trail's actor, and the
/// registry's refusals as answers (an unknown model or version is 404, a change the registry refuses is 409).
/// </summary>
internal static class RegistryChange
{
    public delegate ModelVersion Change(ModelRegistry registry, RegistryChangeRequest request, string alias);

    public static async Task<Results<Ok<RegistryChangeResponse>, ValidationProblem, ProblemHttpResult>> Apply(
        ServiceApiContext context, HttpContext http, string name, string action, bool versionRequired, Change change)
    {
        var (request, problem) = await ApiBody.Read<RegistryChangeRequest>(http.Request);
        if (problem is not null) return problem;
        if (request is null) return ApiProblems.BadValue("body", "must be a JSON object naming the version and the reason");
        if (string.IsNullOrWhiteSpace(request.Reason)) return ApiProblems.BadValue("reason", "is required: it is recorded in the audit trail");
        if (versionRequired && request.Version is null) return ApiProblems.BadValue("version", "is required");
        if (request.Version is < 1) return ApiProblems.BadValue("version", $"must be a version number (1, 2, ...), not {request.Version}");
        var alias = string.IsNullOrEmpty(request.Alias) ? ModelRegistry.Champion : request.Alias;
        var actor = RegistryActor.Api(http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        try
        {
            var (changed, missing) = context.Read<(ModelVersion?, string?)>(store =>
            {
                var registry = context.Registry(store, actor);
                if (!registry.Models().Contains(name, StringComparer.Ordinal)) return (null, $"no model named '{name}' is registered");
                if (request.Version is { } version && registry.Find(name, version.ToString(CultureInfo.InvariantCulture)) is null)
                    return (null, $"model '{name}' has no version {version}");
                return (change(registry, request, alias), null);
            }, (null, "no model is registered yet"));
            return changed is null
                ? ApiProblems.NotFound(missing!)
                : TypedResults.Ok(new RegistryChangeResponse(action, action == "retire" ? null : alias, ModelVersionResponse.From(changed)));
        }
        catch (ArgumentException e)
        {
            // The model and version exist: what is left to refuse is the alias's name.
            return ApiProblems.BadValue("alias", e.Message);
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }
}
