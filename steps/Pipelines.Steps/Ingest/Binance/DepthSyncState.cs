namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Where a <see cref="DepthBookSynchronizer"/> stands in Binance's procedure for a local book.</summary>
public enum DepthSyncState
{
    /// <summary>Buffering depth events until a REST snapshot is supplied (at start, after a gap, or after a too-old snapshot).</summary>
    AwaitingSnapshot,

    /// <summary>The snapshot is loaded but no event has yet reached past its lastUpdateId.</summary>
    AwaitingFirstEvent,

    /// <summary>The book follows the stream event by event.</summary>
    Synchronised,
}
