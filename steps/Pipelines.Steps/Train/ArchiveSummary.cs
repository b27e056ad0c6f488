namespace Pipelines.Steps.Train;

/// <summary>How a train step used archived events, as written to its metrics.json.</summary>
public sealed record ArchiveSummary
{
    /// <summary>The archived events whose rows were learned from, by name.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    /// <summary>The artifacts of archived rows read (also lineage parents of the model, as inputs of the step).</summary>
    public required IReadOnlyList<string> RowsSha256 { get; init; }

    public required double Weight { get; init; }

    /// <summary>Archived rows not in the training rows, added to them with the weight.</summary>
    public required int Appended { get; init; }

    /// <summary>Archived rows already among the training rows (same time), which got the weight instead of a second copy.</summary>
    public required int Reweighted { get; init; }

    /// <summary>Archived rows left out: at or after the holdout's first row (they would leak into it), or without a usable label.</summary>
    public required int LeftOut { get; init; }
}
