using System.Text.Json;
using DuckDB.NET.Data;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Book;

/// <summary>
/// Collects the events of one hourly segment and writes them in the shared segment format (see
/// <see cref="BookSegmentLayout"/>): Parquet through DuckDB into a temporary directory beside the final one, then a
/// rename, so a reader never sees half a segment. Used by the synthetic book generator.
/// </summary>
public sealed class BookSegmentWriter
{
    private readonly List<DepthRow> _depth = [];
    private readonly List<SnapshotRow> _snapshots = [];
    private readonly List<TradeRow> _trades = [];
    private readonly List<TickerRow> _tickers = [];
    private long _events;
    private long _snapshotCount;
    private long _firstExchangeTime = long.MaxValue;
    private long _lastExchangeTime = long.MinValue;

    /// <param name="source">Written into quality.json as "source", e.g. "synthetic", so a tool can tell generated segments from recorded ones.</param>
    public BookSegmentWriter(long hourStartMicros, string source)
    {
        HourStartMicros = hourStartMicros;
        Source = source;
    }

    public string Source { get; }

    public long HourStartMicros { get; }

    public long Events => _events;

    public long TradeCount => _trades.Count;

    /// <summary>One diff event: U..u and its changed levels; an event without levels still writes one row (side NULL).</summary>
    public void AddDepthEvent(long exchangeTime, long receiveTime, long firstUpdateId, long finalUpdateId, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        _events++;
        Seen(exchangeTime);
        if (bids.IsEmpty && asks.IsEmpty) _depth.Add(new DepthRow(exchangeTime, receiveTime, firstUpdateId, finalUpdateId, null, 0, 0));
        foreach (var level in bids) _depth.Add(new DepthRow(exchangeTime, receiveTime, firstUpdateId, finalUpdateId, "bid", level.Price, level.Quantity));
        foreach (var level in asks) _depth.Add(new DepthRow(exchangeTime, receiveTime, firstUpdateId, finalUpdateId, "ask", level.Price, level.Quantity));
    }

    public void AddSnapshot(long receiveTime, long lastUpdateId, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        _snapshotCount++;
        foreach (var level in bids) _snapshots.Add(new SnapshotRow(receiveTime, lastUpdateId, "bid", level.Price, level.Quantity));
        foreach (var level in asks) _snapshots.Add(new SnapshotRow(receiveTime, lastUpdateId, "ask", level.Price, level.Quantity));
    }

    public void AddTrade(long exchangeTime, long receiveTime, long aggTradeId, long price, long quantity, bool buyerIsMaker)
    {
        Seen(exchangeTime);
        _trades.Add(new TradeRow(exchangeTime, receiveTime, aggTradeId, price, quantity, buyerIsMaker));
    }

    public void AddBookTicker(long receiveTime, long updateId, PriceLevel bid, PriceLevel ask) =>
        _tickers.Add(new TickerRow(receiveTime, updateId, bid, ask));

    /// <summary>Writes the segment to <c>&lt;symbolDirectory&gt;/&lt;yyyyMMddHH&gt;</c>, replacing nothing: an existing segment is an error.</summary>
    public string Write(DuckDBConnection connection, string symbolDirectory)
    {
        var name = BookSegmentLayout.SegmentName(HourStartMicros);
        var final = Path.Combine(symbolDirectory, name);
        if (Directory.Exists(final)) throw new IOException($"segment {final} exists already; write into an empty directory");
        var temporary = Path.Combine(symbolDirectory, "." + name + ".tmp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temporary);
        try
        {
            WriteDepth(connection, Path.Combine(temporary, BookSegmentLayout.Depth));
            WriteSnapshots(connection, Path.Combine(temporary, BookSegmentLayout.Snapshots));
            WriteTrades(connection, Path.Combine(temporary, BookSegmentLayout.Trades));
            WriteTickers(connection, Path.Combine(temporary, BookSegmentLayout.BookTicker));
            var quality = new Dictionary<string, object?>
            {
                ["source"] = Source, ["events"] = _events, ["gaps"] = 0, ["resyncs"] = 0, ["out_of_order"] = 0, ["malformed"] = 0, ["snapshots"] = _snapshotCount,
                ["trades"] = _trades.Count,
                ["first_exchange_time_us"] = _firstExchangeTime == long.MaxValue ? null : _firstExchangeTime,
                ["last_exchange_time_us"] = _lastExchangeTime == long.MinValue ? null : _lastExchangeTime,
            };
            File.WriteAllText(Path.Combine(temporary, BookSegmentLayout.Quality), JsonSerializer.Serialize(quality, new JsonSerializerOptions { WriteIndented = true }));
            Directory.Move(temporary, final);
            return final;
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    private void Seen(long exchangeTime)
    {
        _firstExchangeTime = Math.Min(_firstExchangeTime, exchangeTime);
        _lastExchangeTime = Math.Max(_lastExchangeTime, exchangeTime);
    }

    private void WriteDepth(DuckDBConnection connection, string path)
    {
        connection.Execute("CREATE OR REPLACE TEMP TABLE __depth (exchange_time_us BIGINT, receive_time_us BIGINT, first_update_id BIGINT, final_update_id BIGINT, side VARCHAR, price_units BIGINT, quantity_units BIGINT)");
        using (var appender = connection.CreateAppender("__depth"))
        {
            foreach (var row in _depth)
            {
                var r = appender.CreateRow().AppendValue((long?)row.ExchangeTime).AppendValue((long?)row.ReceiveTime).AppendValue((long?)row.First).AppendValue((long?)row.Final)
                    .AppendValue(row.Side);
                if (row.Side is null) r.AppendNullValue().AppendNullValue();
                else r.AppendValue((long?)row.Price).AppendValue((long?)row.Quantity);
                r.EndRow();
            }
        }
        Copy(connection, "__depth", path);
    }

    private void WriteSnapshots(DuckDBConnection connection, string path)
    {
        connection.Execute("CREATE OR REPLACE TEMP TABLE __snapshots (receive_time_us BIGINT, last_update_id BIGINT, side VARCHAR, price_units BIGINT, quantity_units BIGINT)");
        using (var appender = connection.CreateAppender("__snapshots"))
        {
            foreach (var row in _snapshots)
                appender.CreateRow().AppendValue((long?)row.ReceiveTime).AppendValue((long?)row.LastUpdateId).AppendValue(row.Side)
                    .AppendValue((long?)row.Price).AppendValue((long?)row.Quantity).EndRow();
        }
        Copy(connection, "__snapshots", path);
    }

    private void WriteTrades(DuckDBConnection connection, string path)
    {
        connection.Execute("CREATE OR REPLACE TEMP TABLE __trades (exchange_time_us BIGINT, receive_time_us BIGINT, agg_trade_id BIGINT, price_units BIGINT, quantity_units BIGINT, buyer_is_maker BOOLEAN)");
        using (var appender = connection.CreateAppender("__trades"))
        {
            foreach (var row in _trades)
                appender.CreateRow().AppendValue((long?)row.ExchangeTime).AppendValue((long?)row.ReceiveTime).AppendValue((long?)row.Id)
                    .AppendValue((long?)row.Price).AppendValue((long?)row.Quantity).AppendValue((bool?)row.BuyerIsMaker).EndRow();
        }
        Copy(connection, "__trades", path);
    }

    private void WriteTickers(DuckDBConnection connection, string path)
    {
        connection.Execute("CREATE OR REPLACE TEMP TABLE __tickers (receive_time_us BIGINT, update_id BIGINT, bid_price_units BIGINT, bid_quantity_units BIGINT, ask_price_units BIGINT, ask_quantity_units BIGINT)");
        using (var appender = connection.CreateAppender("__tickers"))
        {
            foreach (var row in _tickers)
                appender.CreateRow().AppendValue((long?)row.ReceiveTime).AppendValue((long?)row.UpdateId).AppendValue((long?)row.Bid.Price)
                    .AppendValue((long?)row.Bid.Quantity).AppendValue((long?)row.Ask.Price).AppendValue((long?)row.Ask.Quantity).EndRow();
        }
        Copy(connection, "__tickers", path);
    }

    private static void Copy(DuckDBConnection connection, string table, string path) =>
        connection.Execute($"COPY {table} TO {SqlText.Literal(path)} (FORMAT parquet, COMPRESSION zstd)");

    private readonly record struct DepthRow(long ExchangeTime, long ReceiveTime, long First, long Final, string? Side, long Price, long Quantity);

    private readonly record struct SnapshotRow(long ReceiveTime, long LastUpdateId, string Side, long Price, long Quantity);

    private readonly record struct TradeRow(long ExchangeTime, long ReceiveTime, long Id, long Price, long Quantity, bool BuyerIsMaker);

    private readonly record struct TickerRow(long ReceiveTime, long UpdateId, PriceLevel Bid, PriceLevel Ask);
}
