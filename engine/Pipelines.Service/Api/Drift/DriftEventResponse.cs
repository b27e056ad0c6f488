namespace Pipelines.Service.Api.Drift;

/// <summary>One drift finding: a statistic of one feature of one model, its value and severity, and the run that found it.</summary>
public sealed record DriftEventResponse(
    DateTime DetectedAt, string Model, string Feature, string Statistic, double? Value, string Severity, string? Detail, string RunId, string StepId);

/// <summary>The query of <c>GET /api/v1/drift/events</c>; values are parsed by the endpoint, which names a bad one.</summary>
public sealed record DriftEventsRequest(string? Model, string? Feature, string? Days, string? Limit);

public sealed record DriftEventListResponse(IReadOnlyList<DriftEventResponse> Items);
