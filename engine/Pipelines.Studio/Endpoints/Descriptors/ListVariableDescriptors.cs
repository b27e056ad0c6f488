using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.Descriptors;

/// <summary><c>GET /descriptors/variables</c>: the types a pipeline parameter may have.</summary>
internal static class ListVariableDescriptors
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/descriptors/variables", () => ElsaJson.Json(ElsaJson.List(new[] { "String", "Int64", "Double", "Boolean", "Object" }.Select(t => (JsonNode)new JsonObject
        {
            ["typeName"] = t, ["displayName"] = t, ["category"] = "Primitives", ["description"] = $"A pipeline parameter of type {t}.",
        }))));
}
