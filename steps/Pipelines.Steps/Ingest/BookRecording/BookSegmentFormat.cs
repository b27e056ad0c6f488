namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// The files of a book segment and their columns. Prices and quantities are BIGINT <see cref="Binance.FixedPointDecimal"/>
/// units (10^-8), times BIGINT UTC microseconds since the Unix epoch:
/// <list type="bullet">
/// <item><c>depth.parquet</c>: one row per changed level of a diff event (quantity 0 removes the level); an event
/// changing no level still has one row, with side NULL, so its update ids stay in the record.</item>
/// <item><c>snapshots.parquet</c>: every snapshot the book was loaded from, one row per level (side NULL for an empty one):
/// REST snapshots, and the book carried over from the previous segment at the start of a segment.</item>
/// <item><c>trades.parquet</c>, <c>book_ticker.parquet</c>: one row per event.</item>
/// <item><c>quality.json</c>: the segment's counts (<see cref="BookSegmentQuality"/>).</item>
/// </list>
/// Receive times order a replay: a live recording stamps them strictly increasing across all four files, except that
/// a segment's carried-over book shares the receive time of the segment's first event; at equal times depth rows come
/// first, then snapshots, book tickers and trades. Rows of one event keep their order (read back with DuckDB's
/// file_row_number).
/// </summary>
public static class BookSegmentFormat
{
    public const string Depth = "depth.parquet";
    public const string Snapshots = "snapshots.parquet";
    public const string Trades = "trades.parquet";
    public const string BookTicker = "book_ticker.parquet";
    public const string Quality = "quality.json";

    public const string BidSide = "bid";
    public const string AskSide = "ask";

    public const string DepthColumns =
        "exchange_time_us BIGINT, receive_time_us BIGINT NOT NULL, first_update_id BIGINT NOT NULL, final_update_id BIGINT NOT NULL, " +
        "side VARCHAR, price_units BIGINT, quantity_units BIGINT";

    public const string SnapshotColumns =
        "receive_time_us BIGINT NOT NULL, last_update_id BIGINT NOT NULL, side VARCHAR, price_units BIGINT, quantity_units BIGINT";

    public const string TradeColumns =
        "exchange_time_us BIGINT NOT NULL, receive_time_us BIGINT NOT NULL, agg_trade_id BIGINT NOT NULL, price_units BIGINT NOT NULL, " +
        "quantity_units BIGINT NOT NULL, buyer_is_maker BOOLEAN NOT NULL";

    public const string BookTickerColumns =
        "receive_time_us BIGINT NOT NULL, update_id BIGINT NOT NULL, bid_price_units BIGINT NOT NULL, bid_quantity_units BIGINT NOT NULL, " +
        "ask_price_units BIGINT NOT NULL, ask_quantity_units BIGINT NOT NULL";
}
