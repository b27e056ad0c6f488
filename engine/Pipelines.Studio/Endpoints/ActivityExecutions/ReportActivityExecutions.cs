using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.ActivityExecutions;

/// <summary><c>POST /activity-executions/report</c>: per-step statistics of one run, for the nodes Studio names (all when none).</summary>
internal static class ReportActivityExecutions
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapPost("/activity-executions/report", async (HttpRequest request) =>
        {
            var body = await ElsaJson.ReadBody(request) ?? new JsonObject();
            var instanceId = body["workflowInstanceId"]?.ToString() ?? "";
            var nodes = (body["activityNodeIds"] as JsonArray ?? []).Select(n => n?.ToString()).ToHashSet(StringComparer.Ordinal);
            if (context.Instances.Find(instanceId) is not { } found) return ElsaJson.Json(new JsonObject { ["stats"] = new JsonArray() });
            var stats = found.Steps.Where(s => nodes.Count == 0 || nodes.Contains(WorkflowInstanceService.NodeIdOf(s.StepId))).Select(s => (JsonNode)WorkflowInstanceService.Stat(s));
            return ElsaJson.Json(new JsonObject { ["stats"] = new JsonArray([.. stats]) });
        });
}
