using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.ActivityExecutions;

/// <summary>
/// <c>GET /activity-executions/list</c> and <c>GET /activity-execution-summaries/list</c>: the step runs of one run
/// (<c>WorkflowInstanceId</c>), optionally of one node (<c>ActivityNodeId</c>). Studio reads both with the same shape.
/// </summary>
internal static class ListActivityExecutions
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context)
    {
        api.MapGet("/activity-executions/list", (HttpRequest request) => ElsaJson.Json(ElsaJson.List(Executions(context.Instances, request))));
        api.MapGet("/activity-execution-summaries/list", (HttpRequest request) => ElsaJson.Json(ElsaJson.List(Executions(context.Instances, request))));
    }

    private static IEnumerable<JsonNode> Executions(WorkflowInstanceService instances, HttpRequest request)
    {
        var instanceId = request.Query["WorkflowInstanceId"].ToString();
        var nodeId = request.Query["ActivityNodeId"].ToString();
        if (instances.Find(instanceId) is not { } found) return [];
        return found.Steps.Where(s => nodeId.Length == 0 || WorkflowInstanceService.NodeIdOf(s.StepId) == nodeId)
            .Select(s => (JsonNode)WorkflowInstanceService.Execution(found.Run, s)).ToList();
    }
}
