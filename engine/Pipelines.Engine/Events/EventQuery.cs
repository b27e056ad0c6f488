namespace Pipelines.Engine.Events;

/// <summary>
/// Which events to read. Every filter is optional; events come newest first, unless <see cref="AfterSequence"/> is
/// given: then oldest first from just after that sequence, which is how a subscriber reads what is new to it.
/// </summary>
public sealed record EventQuery(
    string? Type = null, string? Model = null, string? Pipeline = null, DateTime? Since = null, long? AfterSequence = null, int Limit = 100);
