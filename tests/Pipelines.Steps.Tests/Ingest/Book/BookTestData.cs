using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Tests.Ingest.Book;

/// <summary>Short ways to write depth events, snapshots and levels in tests, with prices as Binance writes them.</summary>
internal static class BookTestData
{
    public static PriceLevel Level(string price, string quantity) =>
        new(FixedPointDecimal.Parse(price, "price"), FixedPointDecimal.Parse(quantity, "quantity"));

    public static DepthDiff Diff(long first, long final, PriceLevel[]? bids = null, PriceLevel[]? asks = null) =>
        new(first, final, final * 1_000, bids ?? [], asks ?? []);

    public static DepthSnapshot Snapshot(long lastUpdateId, PriceLevel[] bids, PriceLevel[] asks) => new(lastUpdateId, bids, asks);

    /// <summary>Each side as (price, quantity) text pairs, best first, for readable equality checks.</summary>
    public static string[] Side(BookSide side) =>
        side.Levels.ToArray().Select(l => $"{FixedPointDecimal.Format(l.Price)}x{FixedPointDecimal.Format(l.Quantity)}").ToArray();

    /// <summary>The same shape from a brute-force book of price → quantity.</summary>
    public static string[] Side(IReadOnlyDictionary<long, long> levels, bool bids) =>
        (bids ? levels.OrderByDescending(p => p.Key) : levels.OrderBy(p => p.Key))
        .Select(p => $"{FixedPointDecimal.Format(p.Key)}x{FixedPointDecimal.Format(p.Value)}").ToArray();
}
