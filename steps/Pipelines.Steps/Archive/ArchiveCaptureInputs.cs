using Pipelines.Abstractions;

namespace Pipelines.Steps.Archive;

public sealed record ArchiveCaptureInputs
{
    [Input("Archive the event goes to; windows within one archive never overlap, and training mixes in an archive's rows.", Example = "btcusdt-stress")]
    public required string Archive { get; init; }

    [Input("The recent window's labelled rows (a table with the time column and the columns the criteria name).", Example = "${{ steps.recent.outputs.table }}")]
    public required Artifact Data { get; init; }

    [Input("Column ordering the rows and placing them in UTC days: a timestamp, or epoch milliseconds.")]
    public string TimeColumn { get; init; } = "open_time";

    [Input("The window must have drifted: the drift check's largest per-feature statistic above a level.",
        Example = "{ report: ${{ steps.drift.outputs.report }}, above: 0.25 }")]
    public DriftCriterion? Drift { get; init; }

    [Input("Each day of the event must be mostly in one regime.", Example = "{ column: regime_next, value: HIGH, above: 0.5 }")]
    public RegimeCriterion? Regime { get; init; }

    [Input("Each day of the event must be volatile, for at least days consecutive days.", Example = "{ price_column: close, above: 0.03, days: 2 }")]
    public VolatilityCriterion? Volatility { get; init; }

    [Input("Days with fewer rows than this are not judged (a partial day at the window's edge says little).")]
    public int MinRowsPerDay { get; init; } = 60;
}
