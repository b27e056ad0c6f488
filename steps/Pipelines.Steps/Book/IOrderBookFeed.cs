using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Book;

/// <summary>
/// An order book kept current beside a trade stream: before each trade, the tick path moves the feed to the trade's
/// exchange time, so the book holds every book event stamped at or before it (merged in exchange-time order).
/// <see cref="AdvanceTo"/> allocates nothing while the book stays in sync.
/// </summary>
public interface IOrderBookFeed
{
    /// <summary>A short description for logs, e.g. "book segments BTCUSDT (24 segments)".</summary>
    string Name { get; }

    LocalOrderBook Book { get; }

    /// <summary>Book events (depth diffs and snapshots) applied so far.</summary>
    long Events { get; }

    /// <summary>Gaps in update ids met so far; each needs a snapshot to resynchronise.</summary>
    long Gaps { get; }

    /// <summary>Applies every book event with an exchange time at or before <paramref name="exchangeTimeMicros"/>.</summary>
    void AdvanceTo(long exchangeTimeMicros);
}
