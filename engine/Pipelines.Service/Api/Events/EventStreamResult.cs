using System.Net.ServerSentEvents;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Pipelines.Service.Api.Events;

/// <summary>
/// A server-sent-event stream that sends its headers at once. ASP.NET's own result sends them with the first event,
/// so a client connected to a quiet store would not know it is subscribed (and an <c>EventSource</c> would not fire
/// <c>open</c>) until something happened.
/// </summary>
internal sealed class EventStreamResult(IAsyncEnumerable<SseItem<string>> items) : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "text/event-stream";

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = ContentType;
        http.Response.Headers.CacheControl = "no-cache,no-store";
        // A proxy that buffers (nginx) would hold the events back otherwise.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await SseFormatter.WriteAsync(items, http.Response.Body, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the stream ends there.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [ContentType]));
}
