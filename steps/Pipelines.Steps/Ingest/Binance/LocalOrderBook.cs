namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// The bids and asks of one symbol with the update id they are current to. Only <see cref="DepthBookSynchronizer"/>
/// changes it, so a reader sees either a book that follows the exchange's or <see cref="IsSynchronised"/> false.
/// </summary>
public sealed class LocalOrderBook
{
    public LocalOrderBook(int levelsPerSide)
    {
        Bids = new BookSide(levelsPerSide, isBid: true);
        Asks = new BookSide(levelsPerSide, isBid: false);
    }

    public BookSide Bids { get; }

    public BookSide Asks { get; }

    /// <summary>The id of the last update the book includes (the snapshot's lastUpdateId, then each applied event's u).</summary>
    public long LastUpdateId { get; internal set; }

    /// <summary>Exchange time of the last applied event, UTC microseconds; 0 right after a snapshot.</summary>
    public long EventTimeMicros { get; internal set; }

    public bool IsSynchronised { get; internal set; }

    internal void Load(in DepthSnapshot snapshot)
    {
        Bids.Clear();
        Asks.Clear();
        foreach (var level in snapshot.Bids.Span) Bids.Set(level.Price, level.Quantity);
        foreach (var level in snapshot.Asks.Span) Asks.Set(level.Price, level.Quantity);
        LastUpdateId = snapshot.LastUpdateId;
        EventTimeMicros = 0;
    }

    internal void Apply(in DepthDiff diff)
    {
        foreach (var level in diff.Bids.Span) Bids.Set(level.Price, level.Quantity);
        foreach (var level in diff.Asks.Span) Asks.Set(level.Price, level.Quantity);
        LastUpdateId = diff.FinalUpdateId;
        EventTimeMicros = diff.EventTimeMicros;
    }

    /// <summary>The features of the book's top <paramref name="levels"/> levels per side; see <see cref="BookFeatures"/>.</summary>
    public BookFeatures Features(int levels) => BookFeatures.Of(this, levels);
}
