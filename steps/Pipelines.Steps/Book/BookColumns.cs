using Pipelines.Learning.Features;
using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Book;

/// <summary>
/// Writes a <see cref="LocalOrderBook"/> as the values of the book columns (<see cref="BookLevelColumns.All"/>, in
/// that order), so the batch table of book snapshots and the tick path's row hold the same numbers. Prices and
/// quantities are the book's fixed-point units as doubles; depths are summed in units first, so they are exact.
/// An empty level is price NaN (NULL in a table) and quantity 0; a book out of sync is all NaN.
/// </summary>
public static class BookColumns
{
    public static IReadOnlyList<string> Names => BookLevelColumns.All;

    public static int Count => BookLevelColumns.All.Count;

    private const int Levels = BookLevelColumns.Levels;
    private const int BidPrices = 6;
    private const int BidQuantities = BidPrices + Levels;
    private const int AskPrices = BidQuantities + Levels;
    private const int AskQuantities = AskPrices + Levels;

    /// <summary>Fills <paramref name="row"/> (at least <see cref="Count"/> long); allocates nothing.</summary>
    public static void Fill(LocalOrderBook book, Span<double> row)
    {
        if (!book.IsSynchronised)
        {
            row[..Count].Fill(double.NaN);
            return;
        }
        var bids = book.Bids.Levels;
        var asks = book.Asks.Levels;
        row[0] = bids.Length > 0 ? FixedPointDecimal.ToDouble(bids[0].Price) : double.NaN;
        row[1] = asks.Length > 0 ? FixedPointDecimal.ToDouble(asks[0].Price) : double.NaN;
        row[2] = bids.Length > 0 ? FixedPointDecimal.ToDouble(bids[0].Quantity) : 0.0;
        row[3] = asks.Length > 0 ? FixedPointDecimal.ToDouble(asks[0].Quantity) : 0.0;
        row[4] = FixedPointDecimal.ToDouble(Depth(bids));
        row[5] = FixedPointDecimal.ToDouble(Depth(asks));
        Side(bids, row, BidPrices, BidQuantities);
        Side(asks, row, AskPrices, AskQuantities);
    }

    private static long Depth(ReadOnlySpan<PriceLevel> side)
    {
        long units = 0;
        var n = Math.Min(BookLevelColumns.DepthLevels, side.Length);
        for (var i = 0; i < n; i++) units += side[i].Quantity;
        return units;
    }

    private static void Side(ReadOnlySpan<PriceLevel> side, Span<double> row, int prices, int quantities)
    {
        var n = Math.Min(Levels, side.Length);
        for (var i = 0; i < n; i++)
        {
            row[prices + i] = FixedPointDecimal.ToDouble(side[i].Price);
            row[quantities + i] = FixedPointDecimal.ToDouble(side[i].Quantity);
        }
        for (var i = n; i < Levels; i++)
        {
            row[prices + i] = double.NaN;
            row[quantities + i] = 0.0;
        }
    }
}
