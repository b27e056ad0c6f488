using System.Globalization;
using DuckDB.NET.Data;
using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// Turns a replayed recording into rows of book state, either on a grid of exchange times (every <c>interval</c>: the
/// book as of the last depth event at or before each grid time) or at every trade (the book as the trade arrived).
/// Rows are written only while the book is exact (in sync, or freshly loaded from a snapshot); grid times that fall
/// while it is not are counted in <see cref="SkippedOutOfSync"/>. Each row: time, update_id, bid_price, ask_price,
/// bid_quantity, ask_quantity, mid, spread_bps, microprice (as <see cref="BookFeatures"/> defines them), then
/// bid_depth_N and ask_depth_N (summed quantity of the best N levels) for each N asked for, then bid_depth and ask_depth
/// equal to the first N (the columns order_imbalance_N and bid_pressure_N read); at trades also agg_trade_id,
/// trade_price, trade_quantity and is_buyer_maker.
/// </summary>
public sealed class BookSnapshotSampler : IBookStreamSink
{
    private readonly DuckDBAppender _appender;
    private readonly long _intervalMicros;
    private readonly int[] _depths;
    private readonly BookFeatures[] _current;
    private readonly long? _from, _to;
    private bool _exact;
    private long _updateId;
    private long _bidQuantity, _askQuantity;
    private long _nextGridTime = long.MinValue;

    /// <param name="intervalMicros">Grid step in microseconds, or null to sample at every trade.</param>
    public BookSnapshotSampler(DuckDBAppender appender, long? intervalMicros, IReadOnlyList<int> depths, long? fromMicros = null, long? toMicros = null)
    {
        if (intervalMicros is <= 0) throw new ArgumentOutOfRangeException(nameof(intervalMicros), intervalMicros, "must be positive");
        if (depths.Count == 0 || depths.Any(d => d < 1)) throw new ArgumentException("depths must be one or more level counts of at least 1", nameof(depths));
        _appender = appender;
        _intervalMicros = intervalMicros ?? 0;
        _depths = depths.ToArray();
        _current = new BookFeatures[_depths.Length];
        (_from, _to) = (fromMicros, toMicros);
    }

    public bool AtTrades => _intervalMicros == 0;

    public long Rows { get; private set; }

    public long SkippedOutOfSync { get; private set; }

    /// <summary>The table's columns, as CREATE TABLE text, for the given sampling.</summary>
    public static string ColumnsSql(IReadOnlyList<int> depths, bool atTrades)
    {
        var columns = new List<string>
        {
            "time TIMESTAMPTZ NOT NULL", "update_id BIGINT", "bid_price DOUBLE", "ask_price DOUBLE", "bid_quantity DOUBLE", "ask_quantity DOUBLE",
            "mid DOUBLE", "spread_bps DOUBLE", "microprice DOUBLE",
        };
        foreach (var n in depths) columns.Add($"bid_depth_{n.ToString(CultureInfo.InvariantCulture)} DOUBLE");
        foreach (var n in depths) columns.Add($"ask_depth_{n.ToString(CultureInfo.InvariantCulture)} DOUBLE");
        columns.Add("bid_depth DOUBLE");
        columns.Add("ask_depth DOUBLE");
        if (atTrades) columns.AddRange(["agg_trade_id BIGINT", "trade_price DOUBLE", "trade_quantity DOUBLE", "is_buyer_maker BOOLEAN"]);
        return string.Join(", ", columns);
    }

    public void OnDepth(in DepthDiff diff, long receiveTimeMicros, DepthEventOutcome outcome, LocalOrderBook book)
    {
        // The grid times before this event see the book as it was before it.
        if (!AtTrades && diff.EventTimeMicros > 0) EmitGridUntil(diff.EventTimeMicros);
        Capture(book, book.IsSynchronised);
    }

    public void OnSnapshot(in DepthSnapshot snapshot, long receiveTimeMicros, SnapshotOutcome outcome, LocalOrderBook book) =>
        Capture(book, book.IsSynchronised || outcome == SnapshotOutcome.AwaitingFirstEvent);

    public void OnBookTicker(in BookTicker ticker)
    {
    }

    public void OnTrade(in RecordedTrade trade)
    {
        if (!AtTrades || !InRange(trade.ExchangeTimeMicros)) return;
        if (!_exact)
        {
            SkippedOutOfSync++;
            return;
        }
        var row = BookRow(trade.ExchangeTimeMicros);
        row.AppendValue((long?)trade.AggTradeId).AppendValue((double?)FixedPointDecimal.ToDouble(trade.Price))
            .AppendValue((double?)FixedPointDecimal.ToDouble(trade.Quantity)).AppendValue((bool?)trade.BuyerIsMaker).EndRow();
        Rows++;
    }

    public void OnMalformed(long receiveTimeMicros)
    {
    }

    private void Capture(LocalOrderBook book, bool exact)
    {
        _exact = exact;
        if (!exact) return;
        _updateId = book.LastUpdateId;
        _bidQuantity = book.Bids.Count > 0 ? book.Bids[0].Quantity : -1;
        _askQuantity = book.Asks.Count > 0 ? book.Asks[0].Quantity : -1;
        for (var i = 0; i < _depths.Length; i++) _current[i] = book.Features(_depths[i]);
    }

    /// <summary>Writes a row for every grid time before <paramref name="eventTime"/> not yet written.</summary>
    private void EmitGridUntil(long eventTime)
    {
        if (_nextGridTime == long.MinValue)
        {
            // The first grid time at or after the first event: nothing is known of the book before it.
            _nextGridTime = CeilToGrid(eventTime);
            return;
        }
        for (; _nextGridTime < eventTime; _nextGridTime += _intervalMicros)
        {
            if (!InRange(_nextGridTime)) continue;
            if (!_exact)
            {
                SkippedOutOfSync++;
                continue;
            }
            BookRow(_nextGridTime).EndRow();
            Rows++;
        }
    }

    private long CeilToGrid(long micros)
    {
        var floor = micros - ((micros % _intervalMicros) + _intervalMicros) % _intervalMicros;
        return floor == micros ? micros : floor + _intervalMicros;
    }

    private bool InRange(long micros) => (_from is null || micros >= _from) && (_to is null || micros < _to);

    private IDuckDBAppenderRow BookRow(long timeMicros)
    {
        var top = _current[0];
        var row = _appender.CreateRow().AppendValue((DateTime?)EpochTime.ToDateTime(timeMicros)).AppendValue((long?)_updateId)
            .AppendValue(Finite(top.BestBid)).AppendValue(Finite(top.BestAsk)).AppendValue(Quantity(_bidQuantity)).AppendValue(Quantity(_askQuantity))
            .AppendValue(Finite(top.Mid)).AppendValue(Finite(top.SpreadBps)).AppendValue(Finite(top.Microprice));
        foreach (var f in _current) row = row.AppendValue((double?)f.BidDepth);
        foreach (var f in _current) row = row.AppendValue((double?)f.AskDepth);
        return row.AppendValue((double?)top.BidDepth).AppendValue((double?)top.AskDepth);
    }

    private static double? Quantity(long units) => units < 0 ? null : FixedPointDecimal.ToDouble(units);

    /// <summary>NaN (a side is empty) is stored as NULL, which SQL and the feature steps treat as missing.</summary>
    private static double? Finite(double value) => double.IsNaN(value) ? null : value;
}
