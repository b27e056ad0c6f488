using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Tests.Ingest.BookLive;

/// <summary>Remembers what a live book stream handed on: the book's sides whenever it was in sync, by update id.</summary>
public sealed class RecordingSink : IBookStreamSink
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
    }

    public void OnSnapshot(in DepthSnapshot snapshot, long receiveTimeMicros, SnapshotOutcome outcome, LocalOrderBook book)
    {
        lock (_gate) SnapshotOutcomes.Add(outcome);
        Remember(book);
    }

    public void OnBookTicker(in BookTicker ticker)
    {
        lock (_gate) Tickers.Add(ticker);
    }

    public void OnTrade(in RecordedTrade trade)
    {
        lock (_gate) Trades.Add(trade);
    }

    public void OnMalformed(long receiveTimeMicros)
    {
        lock (_gate) Malformed++;
    }

    private void Remember(LocalOrderBook book)
    {
        if (!book.IsSynchronised) return;
        var bids = book.Bids.Levels.ToArray().ToDictionary(l => l.Price, l => l.Quantity);
        var asks = book.Asks.Levels.ToArray().ToDictionary(l => l.Price, l => l.Quantity);
        lock (_gate) Books[book.LastUpdateId] = (bids, asks);
        Interlocked.Exchange(ref _syncedAt, book.LastUpdateId);
    }
}
