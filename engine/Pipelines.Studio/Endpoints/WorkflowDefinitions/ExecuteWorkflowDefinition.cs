using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary>
/// <c>POST /workflow-definitions/{definitionId}/execute</c>: Studio's Run button. The pipeline starts as a manual run
/// through the service's dispatcher, under its concurrency policy; the response names the run as Elsa names a started
/// instance (the <c>x-elsa-workflow-instance-id</c> header and the workflow state's id), so Studio can open it.
/// Without a service (Studio served alone) nothing can run it: 501 says so.
/// </summary>
internal static class ExecuteWorkflowDefinition
{
    public const string InstanceIdHeader = "x-elsa-workflow-instance-id";

    /// <summary>Studio's sign that the workflow was refused rather than started.</summary>
    public const string CannotStartHeader = "x-elsa-workflow-cannot-start";

    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapPost("/workflow-definitions/{definitionId}/execute", async (string definitionId, HttpRequest request, HttpResponse response) =>
        {
            if (context.Options.StartRun is not { } start)
                return Refusal(StatusCodes.Status501NotImplemented, "pipelines run only under 'pipelines serve', which runs them");
            // Elsa's execute request carries the workflow's input, which becomes the run's params.
            var body = await ElsaJson.ReadBody(request);
            if (body is null) return Refusal(StatusCodes.Status400BadRequest, "the body must be a JSON object");
            var parameters = (body["input"] as JsonObject ?? []).ToDictionary(p => p.Key, p => Text(p.Value), StringComparer.Ordinal);
            try
            {
                // A version id (NAME@hash, as exports name versions) runs the file as it is now: there is one version.
                var runId = start(definitionId.Split('@')[0], parameters);
                response.Headers[InstanceIdHeader] = runId;
                return Results.Json(new JsonObject
                {
                    ["workflowState"] = new JsonObject
                    {
                        ["id"] = runId,
                        ["definitionId"] = definitionId,
                        ["status"] = "Running",
                        ["subStatus"] = "Executing",
                    },
                });
            }
            catch (KeyNotFoundException e) { return Refusal(StatusCodes.Status404NotFound, e.Message); }
            catch (Exception e) when (e is ArgumentException or PipelineValidationException) { return Refusal(StatusCodes.Status400BadRequest, e.Message); }
            catch (InvalidOperationException e)
            {
                response.Headers[CannotStartHeader] = "true";
                return Refusal(StatusCodes.Status409Conflict, e.Message);
            }
        });

    private static IResult Refusal(int status, string message) => Results.Json(new JsonObject { ["error"] = message }, statusCode: status);

    private static string Text(JsonNode? value) =>
        value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : value?.ToJsonString() ?? "";
}
