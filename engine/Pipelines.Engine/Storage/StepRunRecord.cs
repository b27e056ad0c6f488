namespace Pipelines.Engine.Storage;

/// <summary>
/// One row of <c>step_runs</c>. <paramref name="Node"/> is what ran the attempt: the process (host:pid), which the store fills
/// in, or in a cluster the Quartz instance id. <paramref name="Attempt"/> is which delivery of the step this is: a cluster
/// step recovered from a node that died runs again as attempt 2; null for a run in one process.
/// </summary>
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
    string? Node = null,
    int? Attempt = null);
