namespace Pipelines.Abstractions;

/// <summary>One audited change in the registry: who (which run and step, or a person at the CLI), what and why.</summary>
public sealed record ModelTransition(
    string Name,
    int Version,
    string Action,
    string? FromStage,
    string? ToStage,
    string? Alias,
    string? Reason,
    string? RunId,
    string? StepId,
    string? GitCommit,
    string Actor,
    DateTime At);
