namespace Pipelines.Engine.Events;

/// <summary>An event about to be published: everything but the id, time and sequence the store gives it.</summary>
public sealed record EventDraft(
    string Type, string Source, string? Pipeline = null, string? RunId = null, string? StepId = null,
    string? Model = null, string? Feature = null, string PayloadJson = "{}");
