using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Events;

namespace Pipelines.Service.Api.Events;

/// <summary>
/// <c>GET /api/v1/events/stream</c>: server-sent events, one per stored event as it is published: <c>id:</c> is the
/// store's sequence and <c>data:</c> the CloudEvent in structured JSON. A client that reconnects with
/// <c>Last-Event-ID</c> (as EventSource does) gets everything after that sequence first; a new client starts from now.
/// </summary>
internal static class StreamEvents
{
    private const int Batch = 500;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder events, ServiceApiContext context) =>
        events.MapGet("/stream", ([FromHeader(Name = "Last-Event-ID")] string? lastEventId, CancellationToken cancellation) => Handle(context, lastEventId, cancellation))
            .WithName("StreamEvents").WithSummary("Server-sent events: each new event as id (its sequence) and data (its CloudEvent JSON); honours Last-Event-ID.");

    private static Results<EventStreamResult, ValidationProblem> Handle(ServiceApiContext context, string? lastEventId, CancellationToken cancellation)
    {
        long after;
        if (string.IsNullOrEmpty(lastEventId)) after = context.Read(store => store.LastEventSequence(), 0L);
        else if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            return ApiProblems.BadValue("Last-Event-ID", $"must be the sequence of an event this stream sent, not '{lastEventId}'");
        return new EventStreamResult(Follow(context, after, cancellation));
    }

    private static async IAsyncEnumerable<SseItem<string>> Follow(ServiceApiContext context, long after, [EnumeratorCancellation] CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var next = after;
            var fresh = context.Read(store => store.Events(new EventQuery(AfterSequence: next, Limit: Batch)), []);
            foreach (var stored in fresh)
            {
                after = stored.Sequence;
                yield return new SseItem<string>(Encoding.UTF8.GetString(CloudEventMapping.ToStructuredJson(stored)))
                {
                    EventId = stored.Sequence.ToString(CultureInfo.InvariantCulture),
                };
            }
            if (fresh.Count == Batch) continue;
            // Real time, not the options clock: that one only says what "the last N days" means.
            try { await Task.Delay(context.Options.EventStreamPollInterval, cancellation); }
            catch (OperationCanceledException) { yield break; }
        }
    }
}
