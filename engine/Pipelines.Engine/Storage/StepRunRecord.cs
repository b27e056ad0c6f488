namespace Pipelines.Engine.Storage;

/// <summary>One row of <c>step_runs</c>. <paramref name="Node"/> is the process that ran the attempt (host:pid); the store fills it in.</summary>
public sealed record StepRunRecord(
    string RunId,
    string StepId,
    string StepType,
    int StepVersion,
    StepStatus Status,
    string? CacheKey,
    string? CachedFromRun,
    int Attempts,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    double? DurationMs,
    string? InputsJson,
    string? OutputsJson,
    string? Message,
    string? Node = null);
