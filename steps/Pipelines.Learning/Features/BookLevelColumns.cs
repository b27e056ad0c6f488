using System.Globalization;

namespace Pipelines.Learning.Features;

/// <summary>
/// The column names of an order-book row, shared by the batch table of book snapshots and the tick path's row, so
/// a book feature reads the same columns in both. Level i (1 = best) of side s (bid or ask) has
/// <c>s_price_i</c> and <c>s_qty_i</c>; an empty level has price NULL (NaN when streaming) and quantity 0. Beside the
/// levels: <c>bid_price</c>, <c>ask_price</c>, <c>bid_qty</c>, <c>ask_qty</c> (the best level) and <c>bid_depth</c>,
/// <c>ask_depth</c> (quantity summed over the top <see cref="DepthLevels"/> levels), which the older order-flow
/// features (spread_bps, order_imbalance_N, bid_pressure_N) read.
/// </summary>
public static class BookLevelColumns
{
    /// <summary>Levels per side a book row carries.</summary>
    public const int Levels = 20;

    /// <summary>Levels summed into bid_depth and ask_depth: the best five, as the THUNES documents use.</summary>
    public const int DepthLevels = 5;

    public static string Price(string side, int level) => side + "_price_" + level.ToString(CultureInfo.InvariantCulture);

    public static string Quantity(string side, int level) => side + "_qty_" + level.ToString(CultureInfo.InvariantCulture);

    public static string[] Prices(string side, int levels) => Enumerable.Range(1, levels).Select(i => Price(side, i)).ToArray();

    public static string[] Quantities(string side, int levels) => Enumerable.Range(1, levels).Select(i => Quantity(side, i)).ToArray();

    /// <summary>Every column of a book row, in the order <c>Pipelines.Steps.Book.BookColumns.Fill</c> writes them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "bid_price", "ask_price", "bid_qty", "ask_qty", "bid_depth", "ask_depth",
        .. Prices("bid", Levels), .. Quantities("bid", Levels), .. Prices("ask", Levels), .. Quantities("ask", Levels),
    ];

    /// <summary>Whether <paramref name="column"/> is one only an order book provides.</summary>
    public static bool IsBookColumn(string column) => All.Contains(column, StringComparer.Ordinal);
}
