using Pipelines.Abstractions;

namespace Pipelines.Steps.Monitor;

public sealed record MonitorPerformanceOutputs
{
    [Output("True when at least one threshold was breached (with enough rows); feeds an if: that retrains.")]
    public required bool Degraded { get; init; }

    [Output("True when at least min_rows decisions had an outcome; a check with fewer judges nothing.")]
    public required bool EnoughRows { get; init; }

    [Output("The version judged.")]
    public required int Version { get; init; }

    [Output("Decisions in the window whose outcome is known.")]
    public required long Rows { get; init; }

    [Output("Decisions in the window whose label horizon has not passed in the data yet (excluded).")]
    public required long Pending { get; init; }

    [Output("Decisions in the window whose trade is not in the data at all (excluded).")]
    public required long Unmatched { get; init; }

    [Output("Start of the window (UTC, ISO 8601).")]
    public required string From { get; init; }

    [Output("End of the window (UTC, ISO 8601).")]
    public required string Until { get; init; }

    [Output("The statistics.")]
    public required PerformanceMetrics Metrics { get; init; }

    [Output("Each breached threshold, e.g. \"sharpe 0.42 < 1\".")]
    public required IReadOnlyList<string> Breaches { get; init; }
}
