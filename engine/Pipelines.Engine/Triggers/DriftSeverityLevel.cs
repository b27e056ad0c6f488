namespace Pipelines.Engine.Triggers;

/// <summary>
/// The drift severities <c>drift/check</c> publishes (Pipelines.Learning's DriftSeverity, written upper-case in
/// events and the store), in increasing order of concern so <c>min_severity</c> can compare them.
/// </summary>
public enum DriftSeverityLevel
{
    Low,
    Medium,
    High,
    Critical,
}
