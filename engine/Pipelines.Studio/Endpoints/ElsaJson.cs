using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Pipelines.Studio.Endpoints;

/// <summary>
/// The shapes Elsa's REST API answers with, which Studio expects verbatim: a list is <c>{ items, count }</c>, a page is
/// <c>{ items, totalCount, links }</c>. Bodies are JSON nodes because Studio reads Elsa's camel-cased documents as they are.
/// </summary>
internal static class ElsaJson
{
    public static IResult Json(JsonNode? node, int status = StatusCodes.Status200OK) =>
        Results.Content(node?.ToJsonString() ?? "null", "application/json; charset=utf-8", Encoding.UTF8, status);

    public static JsonObject List(IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray(items.ToArray());
        return new JsonObject { ["items"] = array, ["count"] = array.Count };
    }

    public static JsonObject Paged(IReadOnlyList<JsonNode> items, int total) =>
        new() { ["items"] = new JsonArray([.. items]), ["totalCount"] = total, ["links"] = new JsonArray() };

    /// <summary>A non-negative integer query value, or <paramref name="fallback"/> when absent or not one (as Elsa does).</summary>
    public static int QueryInt(HttpRequest request, string name, int fallback) =>
        int.TryParse(request.Query[name].ToString(), out var value) && value >= 0 ? value : fallback;

    /// <summary>The body as a JSON object; an empty body is an empty object, a body that is not an object is null.</summary>
    public static async Task<JsonObject?> ReadBody(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        try { return string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text) as JsonObject; }
        catch (JsonException) { return null; }
    }
}
