using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Studio.Endpoints.WorkflowDefinitions;

/// <summary>How the definition endpoints answer: definitions with Elsa's links, save results, validation errors.</summary>
internal static class DefinitionResponses
{
    public static JsonObject Linked(JsonObject definition)
    {
        var id = definition["definitionId"]!.GetValue<string>();
        var api = StudioSecurity.ApiPrefix;
        definition["links"] = new JsonArray(
            new JsonObject { ["href"] = $"{api}/workflow-definitions/by-definition-id/{id}", ["rel"] = "self", ["method"] = "GET" },
            new JsonObject { ["href"] = $"{api}/workflow-definitions/{id}/publish", ["rel"] = "publish", ["method"] = "POST" },
            new JsonObject { ["href"] = $"{api}/workflow-definitions/{id}", ["rel"] = "delete", ["method"] = "DELETE" });
        return definition;
    }

    public static JsonArray ValidationErrors(IEnumerable<Diagnostic> diagnostics) =>
        new([.. diagnostics.Select(d => (JsonNode)new JsonObject
        {
            ["message"] = d.Location.Line > 0 ? $"line {d.Location.Line}: {d.Message}" : d.Message,
            ["activityId"] = null,
        })]);

    public static IResult SaveResponse(JsonObject? definition, IReadOnlyList<Diagnostic> errors, bool alreadyPublished) =>
        ElsaJson.Json(new JsonObject
        {
            ["workflowDefinition"] = definition is null ? null : Linked(definition),
            ["alreadyPublished"] = alreadyPublished,
            ["consumingWorkflowCount"] = 0,
            ["validationErrors"] = ValidationErrors(errors),
        }, errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    /// <summary>The definition of a file that exists and parses; null otherwise.</summary>
    public static JsonObject? TryFind(WorkflowDefinitionService definitions, string definitionId)
    {
        try { return definitions.Files.IsValidId(definitionId) ? definitions.Find(definitionId) : null; }
        catch (PipelineValidationException) { return null; }
    }
}
