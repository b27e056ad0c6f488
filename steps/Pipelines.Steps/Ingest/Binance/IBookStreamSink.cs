namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Receives what <see cref="BinanceBookStream"/> reads, on its receive loop and in arrival order; receive times are
/// strictly increasing UTC microseconds across all four kinds, so they order a recording completely. The views passed
/// in (levels, the book) are valid only during the call.
/// </summary>
public interface IBookStreamSink
{
    /// <summary>A well-formed depth event, after the synchroniser took it (<paramref name="outcome"/>); <paramref name="book"/> as it is now.</summary>
    void OnDepth(in DepthDiff diff, long receiveTimeMicros, DepthEventOutcome outcome, LocalOrderBook book);

    /// <summary>A REST snapshot the synchroniser was given, with what it did with it.</summary>
    void OnSnapshot(in DepthSnapshot snapshot, long receiveTimeMicros, SnapshotOutcome outcome, LocalOrderBook book);

    void OnBookTicker(in BookTicker ticker);

    void OnTrade(in RecordedTrade trade);

    /// <summary>A message that could not be read, already counted and logged.</summary>
    void OnMalformed(long receiveTimeMicros);
}
