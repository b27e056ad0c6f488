using Pipelines.Abstractions;

namespace Pipelines.Steps.Report;

public sealed record RunReportOutputs
{
    [Output("A self-contained HTML report (inline SVG, no network assets).")]
    public required Artifact Report { get; init; }
}
