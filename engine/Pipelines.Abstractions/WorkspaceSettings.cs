namespace Pipelines.Abstractions;

/// <summary>
/// The parts of the workspace's ml.yaml that steps may read, read-only. They are not part of a step's cache
/// key, so a step that reads them declares itself not cacheable (as drift/check does).
/// </summary>
public sealed record WorkspaceSettings
{
    /// <summary>The <c>drift:</c> section.</summary>
    public DriftSettings Drift { get; init; } = new();

    /// <summary>The <c>monitor:</c> section: thresholds of realised performance.</summary>
    public MonitorSettings Monitor { get; init; } = new();

    /// <summary>The <c>retention:</c> section: what the store keeps, and for how long.</summary>
    public RetentionSettings Retention { get; init; } = new();

    /// <summary>
    /// True when the run was started by <c>pipelines serve</c>, which outlives any one run: steps that may run without
    /// end (e.g. a recorder with <c>duration: forever</c>) accept that only there.
    /// </summary>
    public bool Served { get; init; }
}
