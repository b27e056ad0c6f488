using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

/// <summary>
/// The archive: input of a train step: rows of archived rare events (archive/capture's archive_rows) learned from
/// with extra weight, so a model keeps what a crash looked like after the crash has left its training window.
/// </summary>
public sealed record ArchiveMixing
{
    [Input("Tables of archived events' rows: archive/capture's archive_rows output.", Example = "${{ steps.capture.outputs.archive_rows }}")]
    public required IReadOnlyList<Artifact> Rows { get; init; }

    [Input("How much an archived row counts in training; a training row counts 1.")]
    public double Weight { get; init; } = 2.0;

    [Input("Time column of the training table and the archived rows: an archived row at a training row's time weights that row instead of repeating it, and one at or after the holdout's first row is left out, so the holdout stays unseen.")]
    public string TimeColumn { get; init; } = "open_time";
}
