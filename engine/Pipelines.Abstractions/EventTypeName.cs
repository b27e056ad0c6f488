using System.Text.RegularExpressions;

namespace Pipelines.Abstractions;

/// <summary>
/// What an event type may be called. Every type is dotted lower-case words (<c>drift.detected</c>). The types the
/// engine and its steps publish are a fixed catalogue; a pipeline's own types, published by <c>events/publish</c>,
/// start with <see cref="PipelinePrefix"/>, so a pipeline can neither forge a <c>model.promoted</c> nor take a name a
/// later version of the engine gives a meaning, and a subscription to a pipeline's type is recognised as one.
/// </summary>
public static partial class EventTypeName
{
    /// <summary>The prefix every type a pipeline publishes itself begins with.</summary>
    public const string PipelinePrefix = "custom.";

    /// <summary>An example for error messages.</summary>
    public const string PipelineExample = "custom.rare_events.captured";

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$")]
    private static partial Regex Shape();

    /// <summary>Whether <paramref name="type"/> is dotted lower-case words, at least two of them.</summary>
    public static bool IsWellFormed(string type) => type.Length <= 128 && Shape().IsMatch(type);

    /// <summary>Whether <paramref name="type"/> is a well-formed name of a pipeline's own event type.</summary>
    public static bool IsPipelineType(string type) => type.StartsWith(PipelinePrefix, StringComparison.Ordinal) && IsWellFormed(type);

    /// <summary>Why a pipeline may not publish <paramref name="type"/>; null when it may.</summary>
    public static string? PipelineTypeProblem(string type) =>
        !IsWellFormed(type) ? $"event type '{type}' must be dotted lower-case words (letters, digits, '_'), e.g. '{PipelineExample}'"
        : !type.StartsWith(PipelinePrefix, StringComparison.Ordinal)
            ? $"event type '{type}' must start with '{PipelinePrefix}' (e.g. '{PipelineExample}'): the other types belong to the engine and its steps"
        : null;
}
