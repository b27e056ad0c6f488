using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipelines.Service.Api;

/// <summary>
/// Reads a JSON body by hand, so that a value of the wrong type answers 400 naming its field (the framework's own
/// binding answers a bare 400). Endpoints that use it declare the body with <c>.Accepts&lt;T&gt;</c> for the document.
/// </summary>
internal static class ApiBody
{
    public static async Task<(T? Body, ValidationProblem? Problem)> Read<T>(HttpRequest request) where T : class
    {
        var options = request.HttpContext.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions ?? JsonSerializerOptions.Web;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, request.HttpContext.RequestAborted);
            return body is null ? (null, ApiProblems.BadValue("body", "must be a JSON object")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, ApiProblems.BadValue(field, $"is not valid here: {e.Message}"));
        }
    }
}
