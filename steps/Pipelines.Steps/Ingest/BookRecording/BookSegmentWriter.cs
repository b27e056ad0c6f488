using DuckDB.NET.Data;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// Writes one segment of a book recording in <see cref="BookSegmentFormat"/>. Rows are appended to an in-memory DuckDB
/// (no text round trip, a few hundred nanoseconds a row); <see cref="Close"/> copies each table to Parquet inside a
/// hidden <c>.&lt;name&gt;.partial</c> directory, writes quality.json, and renames the directory into place, so a
/// reader sees a whole segment or none. A writer disposed without <see cref="Close"/>, or a process killed while
/// writing, leaves no segment. One thread at a time. The live recorder and the synthetic book generator both write
/// through it, so recorded and generated segments cannot drift apart in names, files or columns.
/// </summary>
public sealed class BookSegmentWriter : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly DuckDBAppender _depth, _snapshots, _trades, _tickers;
    private readonly string _symbolDirectory;
    private bool _closed;

    /// <param name="root">The recording's root; the segment goes under &lt;root&gt;/&lt;SYMBOL&gt;/.</param>
    /// <param name="hourUtc">The hour the segment covers (by receive time); minutes and below are ignored.</param>
    /// <param name="source">Written to quality.json as "source" (e.g. "synthetic") so a tool can tell generated segments
    /// from recorded ones, which have none.</param>
    public BookSegmentWriter(string root, string symbol, DateTime hourUtc, string? source = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (string.IsNullOrEmpty(symbol) || !symbol.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"the symbol '{symbol}' must be letters and digits only, e.g. BTCUSDT", nameof(symbol));
        Symbol = symbol.ToUpperInvariant();
        HourUtc = new DateTime(hourUtc.Year, hourUtc.Month, hourUtc.Day, hourUtc.Hour, 0, 0, DateTimeKind.Utc);
        _symbolDirectory = Path.Combine(root, Symbol);
        Quality = new BookSegmentQuality { Symbol = Symbol, Source = source };
        _connection = ParquetTableWriter.OpenScratch();
        try
        {
            _connection.Execute($"CREATE TABLE depth ({BookSegmentFormat.DepthColumns})");
            _connection.Execute($"CREATE TABLE snapshots ({BookSegmentFormat.SnapshotColumns})");
            _connection.Execute($"CREATE TABLE trades ({BookSegmentFormat.TradeColumns})");
            _connection.Execute($"CREATE TABLE book_ticker ({BookSegmentFormat.BookTickerColumns})");
            _depth = _connection.CreateAppender("depth");
            _snapshots = _connection.CreateAppender("snapshots");
            _trades = _connection.CreateAppender("trades");
            _tickers = _connection.CreateAppender("book_ticker");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public string Symbol { get; }

    public DateTime HourUtc { get; }

    /// <summary>The counts quality.json will hold; the caller adds what only it can see (gaps, resyncs, malformed).</summary>
    public BookSegmentQuality Quality { get; }

    /// <summary>Rows appended to all files so far.</summary>
    public long Rows { get; private set; }

    public void AppendDepth(in DepthDiff diff, long receiveTimeMicros) =>
        AppendDepth(diff.FirstUpdateId, diff.FinalUpdateId, diff.EventTimeMicros, diff.Bids.Span, diff.Asks.Span, receiveTimeMicros);

    /// <summary>
    /// One diff event from levels the caller keeps in its own buffers (the synthetic generator reuses lists); an event
    /// without levels still writes one row (side NULL). An exchange time of 0 or less is stored as NULL.
    /// </summary>
    public void AppendDepth(long firstUpdateId, long finalUpdateId, long exchangeTimeMicros,
        ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks, long receiveTimeMicros)
    {
        var exchange = exchangeTimeMicros > 0 ? exchangeTimeMicros : (long?)null;
        var ids = (firstUpdateId, finalUpdateId);
        foreach (var level in bids) AppendDepthRow(exchange, receiveTimeMicros, ids, BookSegmentFormat.BidSide, level);
        foreach (var level in asks) AppendDepthRow(exchange, receiveTimeMicros, ids, BookSegmentFormat.AskSide, level);
        if (bids.IsEmpty && asks.IsEmpty)
        {
            _depth.AppendRow((exchange, receiveTimeMicros, firstUpdateId, finalUpdateId), static (row, e) => row
                .AppendValue(e.exchange).AppendValue((long?)e.receiveTimeMicros).AppendValue((long?)e.firstUpdateId)
                .AppendValue((long?)e.finalUpdateId).AppendNullValue().AppendNullValue().AppendNullValue());
            Rows++;
        }
        Quality.DepthEvents++;
        Quality.FirstUpdateId ??= firstUpdateId;
        Quality.LastUpdateId = Math.Max(Quality.LastUpdateId ?? finalUpdateId, finalUpdateId);
        Quality.NoteExchangeTime(exchangeTimeMicros);
        Quality.NoteReceiveTime(receiveTimeMicros);
    }

    /// <summary>One row per level, through the appender's static row writer: no closure, no allocation per row.</summary>
    private void AppendDepthRow(long? exchange, long receiveTimeMicros, (long First, long Final) ids, string side, PriceLevel level)
    {
        _depth.AppendRow((exchange, receiveTimeMicros, ids, side, level), static (row, e) => row
            .AppendValue(e.exchange).AppendValue((long?)e.receiveTimeMicros).AppendValue((long?)e.ids.First)
            .AppendValue((long?)e.ids.Final).AppendValue(e.side).AppendValue((long?)e.level.Price).AppendValue((long?)e.level.Quantity));
        Rows++;
    }

    /// <summary>A REST snapshot the book was loaded from.</summary>
    public void AppendSnapshot(in DepthSnapshot snapshot, long receiveTimeMicros)
    {
        AppendSnapshotRows(snapshot.LastUpdateId, snapshot.Bids.Span, snapshot.Asks.Span, receiveTimeMicros);
        Quality.Snapshots++;
    }

    /// <summary>The live book as the segment's starting point, so the segment replays on its own.</summary>
    public void AppendCarriedBook(LocalOrderBook book, long receiveTimeMicros) =>
        AppendCarriedBook(book.LastUpdateId, book.Bids.Levels, book.Asks.Levels, receiveTimeMicros);

    /// <summary>The book the segment starts from, as of update <paramref name="lastUpdateId"/>, given by its levels.</summary>
    public void AppendCarriedBook(long lastUpdateId, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks, long receiveTimeMicros)
    {
        AppendSnapshotRows(lastUpdateId, bids, asks, receiveTimeMicros);
        Quality.CarriedSnapshot = true;
    }

    private void AppendSnapshotRows(long lastUpdateId, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks, long receiveTimeMicros)
    {
        foreach (var level in bids) AppendSnapshotRow(receiveTimeMicros, lastUpdateId, BookSegmentFormat.BidSide, level);
        foreach (var level in asks) AppendSnapshotRow(receiveTimeMicros, lastUpdateId, BookSegmentFormat.AskSide, level);
        if (bids.IsEmpty && asks.IsEmpty)
        {
            _snapshots.AppendRow((receiveTimeMicros, lastUpdateId), static (row, e) => row
                .AppendValue((long?)e.receiveTimeMicros).AppendValue((long?)e.lastUpdateId).AppendNullValue().AppendNullValue().AppendNullValue());
            Rows++;
        }
        Quality.NoteReceiveTime(receiveTimeMicros);
    }

    private void AppendSnapshotRow(long receiveTimeMicros, long lastUpdateId, string side, PriceLevel level)
    {
        _snapshots.AppendRow((receiveTimeMicros, lastUpdateId, side, level), static (row, e) => row
            .AppendValue((long?)e.receiveTimeMicros).AppendValue((long?)e.lastUpdateId).AppendValue(e.side)
            .AppendValue((long?)e.level.Price).AppendValue((long?)e.level.Quantity));
        Rows++;
    }

    public void AppendTrade(in RecordedTrade trade)
    {
        _trades.AppendRow(trade, static (row, t) => row
            .AppendValue((long?)t.ExchangeTimeMicros).AppendValue((long?)t.ReceiveTimeMicros).AppendValue((long?)t.AggTradeId)
            .AppendValue((long?)t.Price).AppendValue((long?)t.Quantity).AppendValue((bool?)t.BuyerIsMaker));
        Rows++;
        Quality.Trades++;
        Quality.NoteExchangeTime(trade.ExchangeTimeMicros);
        Quality.NoteReceiveTime(trade.ReceiveTimeMicros);
    }

    public void AppendBookTicker(in BookTicker ticker)
    {
        _tickers.AppendRow(ticker, static (row, t) => row
            .AppendValue((long?)t.ReceiveTimeMicros).AppendValue((long?)t.UpdateId).AppendValue((long?)t.BidPrice)
            .AppendValue((long?)t.BidQuantity).AppendValue((long?)t.AskPrice).AppendValue((long?)t.AskQuantity));
        Rows++;
        Quality.BookTickers++;
        Quality.NoteReceiveTime(ticker.ReceiveTimeMicros);
    }

    /// <summary>
    /// Writes the Parquet files and quality.json and renames the segment into place; returns it, or null when nothing
    /// was recorded (no directory is left then).
    /// </summary>
    public BookSegment? Close()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _closed = true;
        try
        {
            _depth.Close();
            _snapshots.Close();
            _trades.Close();
            _tickers.Close();
            if (Quality.IsEmpty) return null;
            Directory.CreateDirectory(_symbolDirectory);
            var partial = Path.Combine(_symbolDirectory, $".{BookSegment.SegmentName(HourUtc, 0)}.{Guid.NewGuid():N}.partial");
            Directory.CreateDirectory(partial);
            try
            {
                Copy("depth", partial, BookSegmentFormat.Depth);
                Copy("snapshots", partial, BookSegmentFormat.Snapshots);
                Copy("trades", partial, BookSegmentFormat.Trades);
                Copy("book_ticker", partial, BookSegmentFormat.BookTicker);
                return Publish(partial);
            }
            catch
            {
                Directory.Delete(partial, recursive: true);
                throw;
            }
        }
        finally
        {
            _connection.Dispose();
        }
    }

    private void Copy(string table, string directory, string file) =>
        _connection.Execute($"COPY (SELECT * FROM {table}) TO {SqlText.Literal(Path.Combine(directory, file))} (FORMAT parquet, COMPRESSION zstd)");

    /// <summary>Takes the first free name for the hour (a restarted recorder adds parts) and renames the directory to it.</summary>
    private BookSegment Publish(string partial)
    {
        for (var part = 0; ; part++)
        {
            var name = BookSegment.SegmentName(HourUtc, part);
            Quality.Segment = name;
            File.WriteAllBytes(Path.Combine(partial, BookSegmentFormat.Quality), Quality.ToJson());
            var target = Path.Combine(_symbolDirectory, name);
            if (Directory.Exists(target)) continue;
            try
            {
                Directory.Move(partial, target);
                return new BookSegment(target, Symbol, HourUtc, part);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another writer took the name between the check and the move; try the next part.
            }
        }
    }

    /// <summary>Drops the segment unless it was closed: nothing is written.</summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        _depth.Dispose();
        _snapshots.Dispose();
        _trades.Dispose();
        _tickers.Dispose();
        _connection.Dispose();
    }
}
