using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Storage;
using Pipelines.Service.Scheduling;

namespace Pipelines.Service.Api.Pipelines;

/// <summary>The parameters a manual start sets; values may be JSON strings, numbers or flags.</summary>
public sealed record StartRunRequest(Dictionary<string, JsonElement>? Params, bool Force = false);

/// <summary>The run the start created, and whether it began at once or waits its turn (<c>concurrency: queue</c>).</summary>
public sealed record StartRunResponse(string RunId, string Decision);

/// <summary>
/// <c>POST /api/v1/pipelines/{name}/runs</c>: a manual start through the dispatcher, under the pipeline's concurrency
/// policy. Parameters <c>on.manual</c> does not allow, and a pipeline that does not validate, are refused with the
/// located errors before anything is recorded.
/// </summary>
public static class StartPipelineRun
{
    public static void Map(RouteGroupBuilder api, ServiceHost service) =>
        api.MapPost("/pipelines/{name}/runs", Results<Accepted<StartRunResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>> (
                string name, StartRunRequest? request) =>
            {
                var pipeline = service.Pipelines.Find(name);
                if (pipeline is null) return TypedResults.NotFound(new ApiError($"no pipeline named '{name}' in pipelines/"));
                if (!pipeline.IsValid) return TypedResults.BadRequest(new ApiError($"pipeline '{name}' does not validate", pipeline.Errors));
                var parameters = (request?.Params ?? []).ToDictionary(p => p.Key, p => Text(p.Value), StringComparer.Ordinal);
                try
                {
                    var outcome = service.Dispatcher.Fire(Firing.Manual(name, parameters) with { Force = request?.Force ?? false });
                    return outcome.Decision == FiringDecision.Skipped
                        ? TypedResults.Conflict(new ApiError(outcome.Reason ?? "refused by the pipeline's concurrency policy"))
                        : TypedResults.Accepted($"{ServiceHost.ApiPrefix}/runs/{outcome.RunId}", new StartRunResponse(outcome.RunId!, FiringLog.Text(outcome.Decision)));
                }
                catch (PipelineValidationException e)
                {
                    return TypedResults.BadRequest(new ApiError($"pipeline '{name}' does not accept this start", e.Diagnostics.Select(d => d.ToString()).ToList()));
                }
                catch (InvalidOperationException e)
                {
                    return TypedResults.Conflict(new ApiError(e.Message));
                }
            })
            .WithTags("pipelines")
            .WithSummary("Start a manual run with the given params; 202 with the run id");

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
