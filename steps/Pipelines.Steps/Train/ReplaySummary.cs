namespace Pipelines.Steps.Train;

/// <summary>How a train step used its champion's replayed errors, as written to its metrics.json.</summary>
public sealed record ReplaySummary
{
    public required string Model { get; init; }

    /// <summary>The version whose errors were replayed; null when the alias named none yet (nothing replayed).</summary>
    public int? Version { get; init; }

    public required double Weight { get; init; }

    public required int MaxRows { get; init; }

    /// <summary>Recorded decisions with an outcome that were errors (regression: every decision, ranked by error).</summary>
    public required int Errors { get; init; }

    /// <summary>Errors chosen, at most max_rows.</summary>
    public required int Selected { get; init; }

    public required int Appended { get; init; }

    public required int Reweighted { get; init; }

    /// <summary>Chosen rows left out: at or after the holdout's first row, without a usable label, or in a table no longer stored.</summary>
    public required int LeftOut { get; init; }

    /// <summary>The tables the replayed rows were read from (lineage parents of the model).</summary>
    public required IReadOnlyList<string> DataSha256 { get; init; }
}
