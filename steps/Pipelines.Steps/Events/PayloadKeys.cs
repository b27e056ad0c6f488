using System.Text.RegularExpressions;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Events;

/// <summary>
/// Keys of an <c>events/publish</c> payload, checked when the pipeline is validated: snake_case like every field of the
/// engine's own events, and none of the envelope's names, which <c>${{ trigger.event.NAME }}</c> reads from the event itself.
/// </summary>
public sealed partial class PayloadKeys : IInputKeyCheck
{
    private static readonly string[] Envelope = ["id", "type", "time", "source", "pipeline", "run_id", "step_id", "model", "feature"];

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex SnakeCase();

    public string? Problem(string key) =>
        !SnakeCase().IsMatch(key) ? $"payload key '{key}' must be snake_case: lower-case letters, digits and '_', starting with a letter"
        : Envelope.Contains(key) ? $"payload key '{key}' is a field of the event itself; give model and feature as inputs, the rest is set by the engine"
        : null;
}
