namespace Pipelines.Service.Api.Drift;

/// <summary>One drift finding: a statistic of one feature of one model, its value and severity, and the run that found it.</summary>
public sealed record DriftEventResponse(
    DateTime DetectedAt, string Model, string Feature, string Statistic, double? Value, string Severity, string? Detail, string RunId, string StepId);

public sealed record DriftEventListResponse(IReadOnlyList<DriftEventResponse> Items);
