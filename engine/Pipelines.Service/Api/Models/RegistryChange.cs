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

    public static Results<Ok<RegistryChangeResponse>, ValidationProblem, ProblemHttpResult> Apply(
        ServiceApiContext context, HttpContext http, string name, RegistryChangeRequest? request, string action, bool versionRequired, Change change)
    {
        if (request is null) return ApiProblems.BadValue("body", "must be a JSON object naming the version and the reason");
        if (string.IsNullOrWhiteSpace(request.Reason)) return ApiProblems.BadValue("reason", "is required: it is recorded in the audit trail");
        if (versionRequired && request.Version is null) return ApiProblems.BadValue("version", "is required");
        if (request.Version is < 1) return ApiProblems.BadValue("version", $"must be a version number (1, 2, ...), not {request.Version}");
        var alias = string.IsNullOrEmpty(request.Alias) ? ModelRegistry.Champion : request.Alias;
        var actor = RegistryActor.Api(http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        try
        {
            var changed = context.Read<ModelVersion?>(store =>
            {
                var registry = context.Registry(store, actor);
                return registry.Models().Contains(name, StringComparer.Ordinal) ? change(registry, request, alias) : null;
            }, null);
            return changed is null
                ? ApiProblems.NotFound($"no model named '{name}' is registered")
                : TypedResults.Ok(new RegistryChangeResponse(action, action == "retire" ? null : alias, ModelVersionResponse.From(changed)));
        }
        catch (ArgumentException e) when (e.Message.Contains(" has no version ", StringComparison.Ordinal))
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (ArgumentException e)
        {
            return ApiProblems.BadValue("alias", e.Message);
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }
}
