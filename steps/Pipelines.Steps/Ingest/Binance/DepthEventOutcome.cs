namespace Pipelines.Steps.Ingest.Binance;

/// <summary>What <see cref="DepthBookSynchronizer.OnDepthEvent"/> did with one event.</summary>
public enum DepthEventOutcome
{
    /// <summary>Kept until a snapshot arrives.</summary>
    Buffered,

    /// <summary>Applied to the book.</summary>
    Applied,

    /// <summary>Dropped: everything in it (u &lt;= the snapshot's lastUpdateId) is already in the snapshot.</summary>
    DroppedStale,

    /// <summary>Its U is not the previous u + 1: counted as a gap, the book is out of sync and a new snapshot is needed; the event is buffered.</summary>
    Gap,

    /// <summary>The first event after the snapshot starts beyond lastUpdateId + 1, so the snapshot is too old: a newer one is needed; the event is buffered.</summary>
    SnapshotTooOld,

    /// <summary>Refused as malformed (U &gt; u, or a negative id): counted, nothing changed.</summary>
    Rejected,
}
