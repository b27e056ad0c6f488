using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Studio;

/// <summary>
/// <c>pipelines serve</c>: the subset of Elsa's REST API that Studio calls, backed by the pipeline files and
/// the run store, plus a page hosting Studio's custom elements. Kestrel on loopback unless told otherwise.
/// </summary>
public static class StudioServer
{
    public static WebApplication Build(StudioOptions options, Action<ILoggingBuilder>? logging = null)
    {
        StudioSecurity.CheckBinding(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.WorkspaceRoot });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        if (options.AllowedOrigins.Count > 0)
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins([.. options.AllowedOrigins])
                .WithHeaders("Authorization", "Content-Type", "X-Tenant-Id").WithMethods("GET", "POST", "PUT", "DELETE").WithExposedHeaders("Content-Disposition")));

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (StudioSecurity.Check(context, options) is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }
            await next(context);
        });
        if (options.AllowedOrigins.Count > 0) app.UseCors();

        var definitions = new WorkflowDefinitionService(options);
        var instances = new WorkflowInstanceService(options);
        MapApi(app.MapGroup(StudioSecurity.ApiPrefix), options, definitions, instances);

        app.MapGet("/", () => Results.Content(StudioPage.Html(options.AssetsDirectory is not null, !string.IsNullOrEmpty(options.ApiKey)), "text/html; charset=utf-8"));
        if (options.AssetsDirectory is not null)
        {
            if (!File.Exists(Path.Combine(options.AssetsDirectory, "_framework", "blazor.webassembly.js")))
                throw new InvalidOperationException($"Studio assets are missing from {options.AssetsDirectory}; build Pipelines.Studio to restore them from npm");
            var types = new FileExtensionContentTypeProvider();
            types.Mappings[".wasm"] = "application/wasm";
            types.Mappings[".dat"] = "application/octet-stream";
            types.Mappings[".blat"] = "application/octet-stream";
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(options.AssetsDirectory), ContentTypeProvider = types });
        }
        return app;
    }

    private static IResult Json(JsonNode? node, int status = StatusCodes.Status200OK) =>
        Results.Content(node?.ToJsonString() ?? "null", "application/json; charset=utf-8", Encoding.UTF8, status);

    private static JsonObject List(IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray(items.ToArray());
        return new JsonObject { ["items"] = array, ["count"] = array.Count };
    }

    private static JsonObject Paged(IReadOnlyList<JsonNode> items, int total) =>
        new() { ["items"] = new JsonArray([.. items]), ["totalCount"] = total, ["links"] = new JsonArray() };

    private static int QueryInt(HttpRequest request, string name, int fallback) =>
        int.TryParse(request.Query[name].ToString(), out var value) && value >= 0 ? value : fallback;

    private static async Task<JsonObject?> ReadBody(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        try { return string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text) as JsonObject; }
        catch (JsonException) { return null; }
    }

    private static JsonObject Linked(JsonObject definition)
    {
        var id = definition["definitionId"]!.GetValue<string>();
        var api = StudioSecurity.ApiPrefix;
        definition["links"] = new JsonArray(
            new JsonObject { ["href"] = $"{api}/workflow-definitions/by-definition-id/{id}", ["rel"] = "self", ["method"] = "GET" },
            new JsonObject { ["href"] = $"{api}/workflow-definitions/{id}/publish", ["rel"] = "publish", ["method"] = "POST" },
            new JsonObject { ["href"] = $"{api}/workflow-definitions/{id}", ["rel"] = "delete", ["method"] = "DELETE" });
        return definition;
    }

    private static JsonArray ValidationErrors(IEnumerable<Diagnostic> diagnostics) =>
        new([.. diagnostics.Select(d => (JsonNode)new JsonObject
        {
            ["message"] = d.Location.Line > 0 ? $"line {d.Location.Line}: {d.Message}" : d.Message,
            ["activityId"] = null,
        })]);

    private static IResult SaveResponse(JsonObject? definition, IReadOnlyList<Diagnostic> errors, bool alreadyPublished) =>
        Json(new JsonObject
        {
            ["workflowDefinition"] = definition is null ? null : Linked(definition),
            ["alreadyPublished"] = alreadyPublished,
            ["consumingWorkflowCount"] = 0,
            ["validationErrors"] = ValidationErrors(errors),
        }, errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static void MapApi(RouteGroupBuilder api, StudioOptions options, WorkflowDefinitionService definitions, WorkflowInstanceService instances)
    {
        var descriptors = ActivityDescriptors.All(options.Catalog);
        api.MapGet("/descriptors/activities", () => Json(List(descriptors.Select(d => d!.DeepClone()))));
        api.MapGet("/descriptors/activities/{typeName}", (string typeName) =>
            descriptors.FirstOrDefault(d => d!["typeName"]!.GetValue<string>() == typeName) is { } found ? Json(found.DeepClone()) : Results.NotFound());
        // Studio's code editor needs one expression type besides Literal; "Template" is the pipeline's own ${{ }} text, stored as a literal.
        api.MapGet("/descriptors/expression-descriptors", () => Json(List([
            new JsonObject { ["type"] = "Literal", ["displayName"] = "Literal", ["isSerializable"] = true, ["isBrowsable"] = true, ["properties"] = new JsonObject() },
            new JsonObject { ["type"] = ElsaWorkflowImporter.TemplateExpressionType, ["displayName"] = "Template", ["isSerializable"] = true, ["isBrowsable"] = false, ["properties"] = new JsonObject() },
        ])));
        api.MapGet("/descriptors/variables", () => Json(List(new[] { "String", "Int64", "Double", "Boolean", "Object" }.Select(t => (JsonNode)new JsonObject
        {
            ["typeName"] = t, ["displayName"] = t, ["category"] = "Primitives", ["description"] = $"A pipeline parameter of type {t}.",
        }))));
        // Pipelines have no activation, persistence, incident or commit strategies, storage drivers or output converters.
        foreach (var empty in new[]
                 {
                     "/descriptors/workflow-activation-strategies", "/descriptors/log-persistence-strategies", "/descriptors/incident-strategies",
                     "/descriptors/commit-strategies/workflows", "/descriptors/commit-strategies/activities", "/descriptors/storage-drivers",
                     "/descriptors/output-converters", "/features/installed",
                 })
            api.MapGet(empty, () => Json(List([])));
        api.MapGet("/package/version", () => Json(new JsonObject
        {
            ["packageVersion"] = typeof(StudioServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0",
        }));

        api.MapGet("/workflow-definitions", (HttpRequest request) =>
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
            var page = QueryInt(request, "Page", 0);
            var size = QueryInt(request, "PageSize", summaries.Count == 0 ? 1 : summaries.Count);
            return Json(Paged(summaries.Skip(page * size).Take(size == 0 ? summaries.Count : size).ToList(), summaries.Count));
        });
        api.MapGet("/workflow-definitions/query/count", () => Json(new JsonObject { ["count"] = definitions.Files.DefinitionIds().Count }));
        api.MapGet("/workflow-definitions/validation/is-name-unique", (HttpRequest request) =>
        {
            var name = request.Query["name"].ToString();
            return Json(new JsonObject { ["isUnique"] = !definitions.Files.DefinitionIds().Contains(name, StringComparer.Ordinal) });
        });
        api.MapGet("/workflow-definitions/by-definition-id/{definitionId}", (string definitionId) => FindDefinition(definitions, definitionId));
        api.MapGet("/workflow-definitions/by-id/{id}", (string id) =>
        {
            var at = id.IndexOf('@');
            if (at <= 0) return Results.NotFound();
            var definitionId = id[..at];
            if (definitions.Files.Exists(definitionId) && TryFind(definitions, definitionId) is { } current && current["id"]!.GetValue<string>() == id)
                return Json(Linked(current));
            // An older version: the one a run recorded. It is shown read-only (no publish link, not latest).
            foreach (var run in instances.Runs(1000))
            {
                if (WorkflowInstanceService.DefinitionIdOf(run) != definitionId || ElsaWorkflowExporter.VersionId(definitionId, run.PipelineText) != id) continue;
                var old = definitions.FromRunText(definitionId, run.PipelineFile, run.PipelineText)!;
                old["isLatest"] = false;
                old["links"] = new JsonArray();
                return Json(old);
            }
            return Results.NotFound();
        });
        api.MapPost("/workflow-definitions", async (HttpRequest request) =>
        {
            var body = await ReadBody(request);
            if (body?["model"] is not JsonObject model) return Results.BadRequest(new { message = "the body is {\"model\": {...}, \"publish\": bool}" });
            var (definition, errors) = definitions.Save(model);
            return SaveResponse(definition, errors, alreadyPublished: false);
        });
        api.MapMethods("/workflow-definitions/import", ["POST", "PUT"], async (HttpRequest request) =>
        {
            if (await ReadBody(request) is not { } model) return Results.BadRequest(new { message = "the body is a workflow definition" });
            var (definition, errors) = definitions.Save(model);
            return errors.Count == 0 ? Json(Linked(definition!)) : Json(new JsonObject { ["validationErrors"] = ValidationErrors(errors) }, StatusCodes.Status400BadRequest);
        });
        // Every saved file is what runs, so publishing a file that parses is a no-op reported as already published.
        api.MapPost("/workflow-definitions/{definitionId}/publish", (string definitionId) =>
            TryFind(definitions, definitionId) is { } definition ? SaveResponse(definition, [], alreadyPublished: true) : Results.NotFound());
        api.MapPost("/workflow-definitions/{definitionId}/retract", (string definitionId) =>
            Results.BadRequest(new { message = $"'{definitionId}' is a pipeline file; it cannot be unpublished, only deleted" }));
        api.MapDelete("/workflow-definitions/{definitionId}", (string definitionId) =>
            definitions.Files.IsValidId(definitionId) && definitions.Files.Delete(definitionId) ? Results.NoContent() : Results.NotFound());
        api.MapGet("/workflow-definitions/{definitionId}/export", (string definitionId) =>
        {
            if (TryFind(definitions, definitionId) is not { } definition) return Results.NotFound();
            var bytes = Encoding.UTF8.GetBytes(definition.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return Results.File(bytes, "application/json", $"workflow-definition-{definitionId}-{definitionId}-{definition["id"]}.json");
        });

        api.MapMethods("/workflow-instances", ["GET", "POST"], async (HttpRequest request) =>
        {
            var body = HttpMethods.IsPost(request.Method) ? await ReadBody(request) ?? new JsonObject() : new JsonObject();
            var wanted = new HashSet<string>(StringComparer.Ordinal);
            if (body["definitionId"] is JsonValue one) wanted.Add(one.ToString());
            foreach (var id in body["definitionIds"] as JsonArray ?? []) if (id is not null) wanted.Add(id.ToString());
            foreach (var id in request.Query["definitionId"]) if (!string.IsNullOrEmpty(id)) wanted.Add(id);
            var runs = instances.Runs(10_000).Where(r => wanted.Count == 0 || wanted.Contains(WorkflowInstanceService.DefinitionIdOf(r))).ToList();
            var page = body["page"] is JsonValue p && p.TryGetValue<int>(out var pv) ? pv : QueryInt(request, "page", 0);
            var size = body["pageSize"] is JsonValue s && s.TryGetValue<int>(out var sv) && sv > 0 ? sv : QueryInt(request, "pageSize", 50);
            return Json(Paged(runs.Skip(page * size).Take(size).Select(r => (JsonNode)WorkflowInstanceService.Summary(r)).ToList(), runs.Count));
        });
        api.MapGet("/workflow-instances/{id}", (string id) =>
            instances.Find(id) is { } found ? Json(WorkflowInstanceService.Model(found.Run)) : Results.NotFound());
        api.MapGet("/workflow-instances/{id}/variables", (string id) =>
        {
            if (instances.Find(id) is not { } found) return Results.NotFound();
            var parameters = JsonNode.Parse(found.Run.ParamsJson) as JsonObject ?? [];
            return Json(List(parameters.Select(p => (JsonNode)new JsonObject { ["id"] = "param-" + p.Key, ["name"] = p.Key, ["value"] = p.Value?.DeepClone() })));
        });
        api.MapMethods("/workflow-instances/{id}/journal", ["GET", "POST"], (string id, HttpRequest request) =>
        {
            if (instances.Find(id) is not { } found) return Results.NotFound();
            var journal = WorkflowInstanceService.Journal(found.Run, found.Steps);
            var skip = QueryInt(request, "skip", 0);
            var take = QueryInt(request, "take", journal.Count);
            return Json(Paged(journal.Skip(skip).Take(take).Select(r => (JsonNode)r).ToList(), journal.Count));
        });
        api.MapPost("/activity-executions/report", async (HttpRequest request) =>
        {
            var body = await ReadBody(request) ?? new JsonObject();
            var instanceId = body["workflowInstanceId"]?.ToString() ?? "";
            var nodes = (body["activityNodeIds"] as JsonArray ?? []).Select(n => n?.ToString()).ToHashSet(StringComparer.Ordinal);
            if (instances.Find(instanceId) is not { } found) return Json(new JsonObject { ["stats"] = new JsonArray() });
            var stats = found.Steps.Where(s => nodes.Count == 0 || nodes.Contains(WorkflowInstanceService.NodeIdOf(s.StepId))).Select(s => (JsonNode)WorkflowInstanceService.Stat(s));
            return Json(new JsonObject { ["stats"] = new JsonArray([.. stats]) });
        });
        api.MapGet("/activity-executions/list", (HttpRequest request) => Json(List(Executions(instances, request))));
        api.MapGet("/activity-execution-summaries/list", (HttpRequest request) => Json(List(Executions(instances, request))));
        api.MapGet("/activity-executions/by-id", (HttpRequest request) =>
        {
            var id = request.Query["id"].ToString();
            var colon = id.LastIndexOf(':');
            if (colon <= 0 || instances.Find(id[..colon]) is not { } found) return Results.NotFound();
            var step = found.Steps.FirstOrDefault(s => s.StepId == id[(colon + 1)..]);
            return step is null ? Results.NotFound() : Json(WorkflowInstanceService.Execution(found.Run, step));
        });
    }

    private static IEnumerable<JsonNode> Executions(WorkflowInstanceService instances, HttpRequest request)
    {
        var instanceId = request.Query["WorkflowInstanceId"].ToString();
        var nodeId = request.Query["ActivityNodeId"].ToString();
        if (instances.Find(instanceId) is not { } found) return [];
        return found.Steps.Where(s => nodeId.Length == 0 || WorkflowInstanceService.NodeIdOf(s.StepId) == nodeId)
            .Select(s => (JsonNode)WorkflowInstanceService.Execution(found.Run, s)).ToList();
    }

    private static JsonObject? TryFind(WorkflowDefinitionService definitions, string definitionId)
    {
        try { return definitions.Files.IsValidId(definitionId) ? definitions.Find(definitionId) : null; }
        catch (PipelineValidationException) { return null; }
    }

    private static IResult FindDefinition(WorkflowDefinitionService definitions, string definitionId)
    {
        if (!definitions.Files.IsValidId(definitionId) || !definitions.Files.Exists(definitionId)) return Results.NotFound();
        try { return Json(Linked(definitions.Find(definitionId)!)); }
        catch (PipelineValidationException e)
        {
            // Elsa answers 422 when a definition cannot be materialised; the file has to be fixed as text first.
            return Json(new JsonObject { ["validationErrors"] = ValidationErrors(e.Diagnostics) }, StatusCodes.Status422UnprocessableEntity);
        }
    }
}
