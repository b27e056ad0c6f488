using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.Descriptors;

/// <summary>
/// <c>GET /descriptors/expression-descriptors</c>. Studio's code editor needs one expression type besides Literal;
/// "Template" is the pipeline's own <c>${{ }}</c> text, stored as a literal.
/// </summary>
internal static class ListExpressionDescriptors
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/descriptors/expression-descriptors", () => ElsaJson.Json(ElsaJson.List([
            new JsonObject { ["type"] = "Literal", ["displayName"] = "Literal", ["isSerializable"] = true, ["isBrowsable"] = true, ["properties"] = new JsonObject() },
            new JsonObject { ["type"] = ElsaWorkflowImporter.TemplateExpressionType, ["displayName"] = "Template", ["isSerializable"] = true, ["isBrowsable"] = false, ["properties"] = new JsonObject() },
        ])));
}
