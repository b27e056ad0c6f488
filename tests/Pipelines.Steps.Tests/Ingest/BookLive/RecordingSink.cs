using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Tests.Ingest.BookLive;

/// <summary>
/// Remembers what a live book stream (or a replay) handed on: the book's sides whenever it was in sync or freshly
/// loaded from a snapshot, by update id. Can pass everything on to another sink, as a recorder beside it.
/// </summary>
public sealed class RecordingSink(IBookStreamSink? next = null) : IBookStreamSink
{
    private readonly object _gate = new();
    private long _syncedAt = -1;

    /// <summary>The in-sync book after each update id it reached, as price → quantity per side.</summary>
    public Dictionary<long, (Dictionary<long, long> Bids, Dictionary<long, long> Asks)> Books { get; } = new();

    public List<SnapshotOutcome> SnapshotOutcomes { get; } = [];
    public List<DepthEventOutcome> DepthOutcomes { get; } = [];
    public List<BookTicker> Tickers { get; } = [];
    public List<RecordedTrade> Trades { get; } = [];
    public int Malformed { get; private set; }

    /// <summary>The update id the book was last in sync at; -1 before that.</summary>
    public long SyncedAt => Interlocked.Read(ref _syncedAt);

    public void OnDepth(in DepthDiff diff, long receiveTimeMicros, DepthEventOutcome outcome, LocalOrderBook book)
    {
        lock (_gate) DepthOutcomes.Add(outcome);
        Remember(book);
        next?.OnDepth(diff, receiveTimeMicros, outcome, book);
    }

    public void OnSnapshot(in DepthSnapshot snapshot, long receiveTimeMicros, SnapshotOutcome outcome, LocalOrderBook book)
    {
        lock (_gate) SnapshotOutcomes.Add(outcome);
        // A snapshot just loaded is the exchange's book at its lastUpdateId, though not yet followed by an event.
        Remember(book, loaded: outcome == SnapshotOutcome.AwaitingFirstEvent);
        next?.OnSnapshot(snapshot, receiveTimeMicros, outcome, book);
    }

    public void OnBookTicker(in BookTicker ticker)
    {
        lock (_gate) Tickers.Add(ticker);
        next?.OnBookTicker(ticker);
    }

    public void OnTrade(in RecordedTrade trade)
    {
        lock (_gate) Trades.Add(trade);
        next?.OnTrade(trade);
    }

    public void OnMalformed(long receiveTimeMicros)
    {
        lock (_gate) Malformed++;
        next?.OnMalformed(receiveTimeMicros);
    }

    private void Remember(LocalOrderBook book, bool loaded = false)
    {
        if (!book.IsSynchronised && !loaded) return;
        var bids = book.Bids.Levels.ToArray().ToDictionary(l => l.Price, l => l.Quantity);
        var asks = book.Asks.Levels.ToArray().ToDictionary(l => l.Price, l => l.Quantity);
        lock (_gate) Books[book.LastUpdateId] = (bids, asks);
        if (book.IsSynchronised) Interlocked.Exchange(ref _syncedAt, book.LastUpdateId);
    }
}
