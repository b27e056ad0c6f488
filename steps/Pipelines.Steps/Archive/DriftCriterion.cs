using Pipelines.Abstractions;

namespace Pipelines.Steps.Archive;

/// <summary>The window as a whole has drifted: the largest per-feature statistic of a drift check's report exceeds a level.</summary>
public sealed record DriftCriterion
{
    [Input("The report of a drift/check over the same window (its report output).", Example = "${{ steps.drift.outputs.report }}")]
    public required Artifact Report { get; init; }

    [Input("The window qualifies when the largest value of the statistic over the report's features is above this.")]
    public double Above { get; init; } = 0.25;

    [Input("Which per-feature statistic of the report: psi, ks_statistic, wasserstein or jensen_shannon.")]
    public string Statistic { get; init; } = "psi";
}
