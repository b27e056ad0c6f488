namespace Pipelines.Abstractions;

/// <summary>
/// Where a step publishes what happened (<c>drift.detected</c>, <c>model.promoted</c>, a pipeline's own types); the
/// store keeps each event with the run and step that published it, and the service's triggers and notifiers read them.
/// </summary>
public interface IEventLog
{
    /// <param name="type">A dotted name, e.g. <c>performance.degraded</c>.</param>
    /// <param name="model">The model the event is about, if any.</param>
    /// <param name="feature">The feature it is about, if any.</param>
    /// <param name="payloadJson">The event's data, a JSON object.</param>
    void Publish(string type, string? model = null, string? feature = null, string payloadJson = "{}");
}
