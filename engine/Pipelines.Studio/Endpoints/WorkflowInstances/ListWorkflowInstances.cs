using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowInstances;

/// <summary>
/// <c>GET|POST /workflow-instances</c>: runs as workflow instances, filtered by definition id (in the body or the
/// query) and paged as Elsa does.
/// </summary>
internal static class ListWorkflowInstances
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapMethods("/workflow-instances", ["GET", "POST"], (HttpRequest request) => Handle(request, context.Instances));

    private static async Task<IResult> Handle(HttpRequest request, WorkflowInstanceService instances)
    {
        var body = HttpMethods.IsPost(request.Method) ? await ElsaJson.ReadBody(request) ?? new JsonObject() : new JsonObject();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        if (body["definitionId"] is JsonValue one) wanted.Add(one.ToString());
        foreach (var id in body["definitionIds"] as JsonArray ?? []) if (id is not null) wanted.Add(id.ToString());
        foreach (var id in request.Query["definitionId"]) if (!string.IsNullOrEmpty(id)) wanted.Add(id);
        var runs = instances.Runs(10_000).Where(r => wanted.Count == 0 || wanted.Contains(WorkflowInstanceService.DefinitionIdOf(r))).ToList();
        var page = body["page"] is JsonValue p && p.TryGetValue<int>(out var pv) ? pv : ElsaJson.QueryInt(request, "page", 0);
        var size = body["pageSize"] is JsonValue s && s.TryGetValue<int>(out var sv) && sv > 0 ? sv : ElsaJson.QueryInt(request, "pageSize", 50);
        return ElsaJson.Json(ElsaJson.Paged(runs.Skip(page * size).Take(size).Select(r => (JsonNode)WorkflowInstanceService.Summary(r)).ToList(), runs.Count));
    }
}
