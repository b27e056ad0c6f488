namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// The top-of-book statistics of a <see cref="LocalOrderBook"/> over its best N levels per side (fewer when a side
/// holds fewer). With b, a the best bid and ask prices and qb, qa their quantities, B = Σ quantity and
/// BQ = Σ price·quantity over the bids' top N, A and AQ likewise over the asks':
/// <list type="bullet">
/// <item><see cref="Mid"/> = (b + a) / 2; <see cref="SpreadBps"/> = (a − b) / mid · 10,000;</item>
/// <item><see cref="Microprice"/> = (b·qa + a·qb) / (qa + qb), the mid weighted towards the side with less queue;</item>
/// <item><see cref="BidDepth"/> = B, <see cref="AskDepth"/> = A (base asset); <see cref="BidDepthQuote"/> = BQ,
/// <see cref="AskDepthQuote"/> = AQ (quote asset);</item>
/// <item><see cref="OrderImbalance"/> = (B − A) / (B + A), in [−1, 1]; <see cref="BidPressure"/> = B / (B + A), in [0, 1],
/// the same as the feature catalogue's bid_pressure over bid_depth and ask_depth.</item>
/// </list>
/// Prices need both sides: with one side empty, mid, spread and microprice are NaN; with both empty, so are the ratios.
/// Depth sums are exact in fixed-point units (quote sums in 128-bit), converted to double once at the end.
/// </summary>
public readonly record struct BookFeatures(
    int Levels,
    double BestBid,
    double BestAsk,
    double Mid,
    double SpreadBps,
    double Microprice,
    double BidDepth,
    double AskDepth,
    double BidDepthQuote,
    double AskDepthQuote,
    double OrderImbalance,
    double BidPressure)
{
    private const double QuoteScale = (double)FixedPointDecimal.Scale * FixedPointDecimal.Scale;

    public static BookFeatures Of(LocalOrderBook book, int levels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        var bids = book.Bids.Levels;
        var asks = book.Asks.Levels;
        Sum(bids, levels, out var bidUnits, out var bidQuoteUnits);
        Sum(asks, levels, out var askUnits, out var askQuoteUnits);
        double bestBid = double.NaN, bestAsk = double.NaN, mid = double.NaN, spread = double.NaN, micro = double.NaN;
        if (bids.Length > 0) bestBid = FixedPointDecimal.ToDouble(bids[0].Price);
        if (asks.Length > 0) bestAsk = FixedPointDecimal.ToDouble(asks[0].Price);
        if (bids.Length > 0 && asks.Length > 0)
        {
            mid = (bestBid + bestAsk) / 2;
            // The difference is taken in exact units: subtracting two nearly equal doubles would cost digits.
            long bidPrice = bids[0].Price, askPrice = asks[0].Price;
            spread = (askPrice - bidPrice) * 20_000.0 / ((double)bidPrice + askPrice);
            double qb = bids[0].Quantity, qa = asks[0].Quantity;
            micro = (bestBid * qa + bestAsk * qb) / (qa + qb);
        }
        var total = (double)bidUnits + askUnits;
        var imbalance = total > 0 ? (bidUnits - (double)askUnits) / total : double.NaN;
        var pressure = total > 0 ? bidUnits / total : double.NaN;
        return new BookFeatures(levels, bestBid, bestAsk, mid, spread, micro,
            FixedPointDecimal.ToDouble(bidUnits), FixedPointDecimal.ToDouble(askUnits),
            (double)bidQuoteUnits / QuoteScale, (double)askQuoteUnits / QuoteScale, imbalance, pressure);
    }

    private static void Sum(ReadOnlySpan<PriceLevel> side, int levels, out long quantity, out Int128 quote)
    {
        quantity = 0;
        quote = 0;
        var n = Math.Min(levels, side.Length);
        for (var i = 0; i < n; i++)
        {
            quantity += side[i].Quantity;
            quote += (Int128)side[i].Price * side[i].Quantity;
        }
    }
}
