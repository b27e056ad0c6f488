using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary><c>GET /workflow-definitions</c>: one summary per pipeline file, searched, filtered by id and paged as Elsa does.</summary>
internal static class ListWorkflowDefinitions
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapGet("/workflow-definitions", (HttpRequest request) => Handle(request, context.Definitions));

    private static IResult Handle(HttpRequest request, WorkflowDefinitionService definitions)
    {
        var search = request.Query["SearchTerm"].ToString();
        var wanted = request.Query["DefinitionIds"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToHashSet(StringComparer.Ordinal);
        var summaries = new List<JsonNode>();
        foreach (var id in definitions.Files.DefinitionIds())
        {
            if (wanted.Count > 0 && !wanted.Contains(id)) continue;
            JsonObject summary;
            try { summary = WorkflowDefinitionService.Summary(definitions.Find(id)!); }
            catch (PipelineValidationException e)
            {
                // A file that does not parse is still listed, so it can be found and fixed.
                summary = new JsonObject { ["id"] = id, ["definitionId"] = id, ["name"] = id, ["description"] = e.Diagnostics[0].ToString(), ["version"] = 1, ["isLatest"] = true, ["isPublished"] = false };
            }
            if (search.Length > 0 && !(summary["name"]?.ToString() ?? "").Contains(search, StringComparison.OrdinalIgnoreCase)
                && !(summary["description"]?.ToString() ?? "").Contains(search, StringComparison.OrdinalIgnoreCase)) continue;
            summaries.Add(summary);
        }
        if (string.Equals(request.Query["OrderDirection"], "Descending", StringComparison.OrdinalIgnoreCase)) summaries.Reverse();
        var page = ElsaJson.QueryInt(request, "Page", 0);
        var size = ElsaJson.QueryInt(request, "PageSize", summaries.Count == 0 ? 1 : summaries.Count);
        return ElsaJson.Json(ElsaJson.Paged(summaries.Skip(page * size).Take(size == 0 ? summaries.Count : size).ToList(), summaries.Count));
    }
}
