namespace Pipelines.Steps.Ingest.Binance;

/// <summary>What <see cref="DepthBookSynchronizer.OnSnapshot"/> did with one REST snapshot.</summary>
public enum SnapshotOutcome
{
    /// <summary>Loaded, the buffered events that follow it applied: the book is in sync.</summary>
    Synchronised,

    /// <summary>Loaded, but no buffered event reaches past its lastUpdateId yet; the next events decide.</summary>
    AwaitingFirstEvent,

    /// <summary>Older than the first buffered event (lastUpdateId + 1 &lt; U): not used, a newer snapshot is needed.</summary>
    TooOld,

    /// <summary>Loaded, but the buffered events after it are not contiguous: a gap was counted and a new snapshot is needed.</summary>
    Gap,

    /// <summary>No snapshot was needed (the book is in sync or already loaded); nothing changed.</summary>
    NotNeeded,
}
