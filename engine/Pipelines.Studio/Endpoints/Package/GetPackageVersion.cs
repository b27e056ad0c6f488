using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Studio.Endpoints.Package;

/// <summary><c>GET /package/version</c>: this build's version, where Elsa reports its own.</summary>
internal static class GetPackageVersion
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/package/version", () => ElsaJson.Json(new JsonObject
        {
            ["packageVersion"] = typeof(StudioServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0",
        }));
}
