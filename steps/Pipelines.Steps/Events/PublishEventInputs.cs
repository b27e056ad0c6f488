using Pipelines.Abstractions;

namespace Pipelines.Steps.Events;

public sealed record PublishEventInputs
{
    [Input("Event type: dotted lower-case words starting with 'custom.', e.g. custom.rare_events.captured; on.events subscribes to it by this name.",
        Example = "custom.rare_events.captured")]
    public required string Type { get; init; }

    [Input("The model the event is about, if any: its subject, and what a subscription's model filter matches.")]
    public string? Model { get; init; }

    [Input("The feature it is about, if any.")]
    public string? Feature { get; init; }

    [Input("The event's data: snake_case keys with text values (numbers and booleans are written as text).",
        Example = "{ captured: ${{ steps.capture.outputs.rows }}, symbol: BTCUSDT }")]
    [InputKeys(typeof(PayloadKeys))]
    public IReadOnlyDictionary<string, string> Payload { get; init; } = new Dictionary<string, string>();
}
