namespace Pipelines.Abstractions;

/// <summary>One drift finding worth recording: which model and feature, by which statistic, how bad.</summary>
/// <param name="Model">Registered model the check was for (or empty for a plain table comparison).</param>
/// <param name="Feature">Feature column, or "prediction" / "performance".</param>
/// <param name="Statistic">psi, ks, wasserstein, js, error_increase…</param>
/// <param name="Value">The statistic's value.</param>
/// <param name="Severity">LOW, MEDIUM, HIGH or CRITICAL.</param>
/// <param name="Detail">A readable explanation.</param>
public sealed record DriftEvent(string Model, string Feature, string Statistic, double Value, string Severity, string Detail);
