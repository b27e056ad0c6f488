using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pipelines.Studio;

/// <summary>
/// The server's rules: loopback unless an API key is set; with a key, every API call must carry
/// <c>Authorization: ApiKey &lt;key&gt;</c> (as Studio sends it); cross-origin calls only from configured
/// origins; on loopback, only loopback host names (so a rebinding DNS name cannot reach the API).
/// </summary>
public static class StudioSecurity
{
    public const string ApiPrefix = "/elsa/api";

    /// <summary>
    /// Paths that answer with data and so need the key when one is set: Elsa's API, the service's API, the metrics and
    /// the status page's panel. Pages that only load them (Studio's, the status page's shell, the API reference), the
    /// OpenAPI document and the health check stay open: a browser cannot send the key on navigation, and they show no data.
    /// </summary>
    public static readonly IReadOnlyList<string> KeyProtectedPrefixes = [ApiPrefix, "/api/v1", "/metrics", "/status/panel"];

    /// <summary>Refuses to start a server that would expose pipelines on the network without a key.</summary>
    public static void CheckBinding(StudioOptions options)
    {
        if (options.Urls.Count == 0) throw new ArgumentException("at least one URL to listen on is needed");
        foreach (var url in options.Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ArgumentException($"'{url}' is not an http:// or https:// URL");
            if (!IsLoopback(uri.Host) && string.IsNullOrEmpty(options.ApiKey))
                throw new ArgumentException($"'{url}' is reachable from other machines; give --api-key to require a key, or listen on 127.0.0.1");
        }
        if (options.ApiKey is { Length: < 16 })
            throw new ArgumentException("the API key is at least 16 characters");
    }

    public static bool IsLoopback(string host)
    {
        var trimmed = host.Trim('[', ']');
        return trimmed.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(trimmed, out var address) && IPAddress.IsLoopback(address);
    }

    public static bool AllListenersLoopback(StudioOptions options) =>
        options.Urls.All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && IsLoopback(uri.Host));

    /// <summary>Null when the request may proceed, otherwise the status to answer with.</summary>
    public static int? Check(HttpContext context, StudioOptions options)
    {
        var request = context.Request;
        if (AllListenersLoopback(options) && !IsLoopback(request.Host.Host)) return StatusCodes.Status421MisdirectedRequest;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsSameOrigin(origin, request) && !options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            return StatusCodes.Status403Forbidden;
        if (string.IsNullOrEmpty(options.ApiKey) || !NeedsKey(request.Path)) return null;
        if (HttpMethods.IsOptions(request.Method)) return null;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "ApiKey ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return StatusCodes.Status401Unauthorized;
        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        var expected = Encoding.UTF8.GetBytes(options.ApiKey);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : StatusCodes.Status401Unauthorized;
    }

    public static bool NeedsKey(PathString path)
    {
        foreach (var prefix in KeyProtectedPrefixes)
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
}
