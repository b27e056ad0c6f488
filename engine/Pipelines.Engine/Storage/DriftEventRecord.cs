namespace Pipelines.Engine.Storage;

/// <summary>One row of <c>drift_events</c>.</summary>
public sealed record DriftEventRecord(
    string RunId, string StepId, string Model, string Feature, string Statistic, double? Value, string Severity, string? Detail, DateTime DetectedAt);
