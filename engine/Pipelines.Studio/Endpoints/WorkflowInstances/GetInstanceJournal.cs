using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.WorkflowInstances;

/// <summary><c>GET|POST /workflow-instances/{id}/journal</c>: the run's step records as Elsa's execution journal, paged by skip and take.</summary>
internal static class GetInstanceJournal
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context) =>
        api.MapMethods("/workflow-instances/{id}/journal", ["GET", "POST"], (string id, HttpRequest request) =>
        {
            if (context.Instances.Find(id) is not { } found) return Results.NotFound();
            var journal = WorkflowInstanceService.Journal(found.Run, found.Steps);
            var skip = ElsaJson.QueryInt(request, "skip", 0);
            var take = ElsaJson.QueryInt(request, "take", journal.Count);
            return ElsaJson.Json(ElsaJson.Paged(journal.Skip(skip).Take(take).Select(r => (JsonNode)r).ToList(), journal.Count));
        });
}
