using DuckDB.NET.Data;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// Plays recorded segments back through a <see cref="DepthBookSynchronizer"/> exactly as the live stream fed it: each
/// segment from a fresh synchroniser, its depth events, snapshots, book tickers and trades merged in receive-time order
/// (ties: depth, snapshot, ticker, trade), handing the same calls a live <see cref="BinanceBookStream"/> makes to an
/// <see cref="IBookStreamSink"/>. So the book a sink sees at each update id is the one the recorder saw live. A
/// segment's files are read whole (an hour of a busy symbol is a few hundred MB at most); trades.parquet and
/// book_ticker.parquet may be absent.
/// </summary>
public static class BookSegmentReplay
{
    private enum Kind { Depth, Snapshot, Ticker, Trade }

    /// <returns>The synchroniser of the last segment (its counters describe that segment's replay).</returns>
    public static DepthBookSynchronizer? Run(IEnumerable<BookSegment> segments, IBookStreamSink sink, int levelsPerSide = 5_000,
        int bufferedEvents = 4_096, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(sink);
        DepthBookSynchronizer? synchronizer = null;
        foreach (var segment in segments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            synchronizer = new DepthBookSynchronizer(levelsPerSide, bufferedEvents);
            Replay(Read(segment), synchronizer, sink, cancellationToken);
        }
        return synchronizer;
    }

    private static void Replay(SegmentData data, DepthBookSynchronizer synchronizer, IBookStreamSink sink, CancellationToken cancellationToken)
    {
        int d = 0, s = 0, k = 0, t = 0, n = 0;
        while (true)
        {
            var next = Kind.Depth;
            var time = long.MaxValue;
            if (d < data.Depth.Count) (time, next) = (data.Depth[d].ReceiveTime, Kind.Depth);
            if (s < data.Snapshots.Count && data.Snapshots[s].ReceiveTime < time) (time, next) = (data.Snapshots[s].ReceiveTime, Kind.Snapshot);
            if (k < data.Tickers.Count && data.Tickers[k].ReceiveTimeMicros < time) (time, next) = (data.Tickers[k].ReceiveTimeMicros, Kind.Ticker);
            if (t < data.Trades.Count && data.Trades[t].ReceiveTimeMicros < time) (time, next) = (data.Trades[t].ReceiveTimeMicros, Kind.Trade);
            if (time == long.MaxValue) return;
            if ((++n & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            switch (next)
            {
                case Kind.Depth:
                    var diff = data.Depth[d++].View(data.Levels);
                    var outcome = synchronizer.OnDepthEvent(diff);
                    sink.OnDepth(diff, time, outcome, synchronizer.Book);
                    break;
                case Kind.Snapshot:
                    var snapshot = data.Snapshots[s++].Snapshot(data.Levels);
                    var loaded = synchronizer.OnSnapshot(snapshot);
                    sink.OnSnapshot(snapshot, time, loaded, synchronizer.Book);
                    break;
                case Kind.Ticker:
                    sink.OnBookTicker(data.Tickers[k++]);
                    break;
                default:
                    sink.OnTrade(data.Trades[t++]);
                    break;
            }
        }
    }

    /// <summary>A depth event or snapshot: its ids and where its levels lie in the segment's level array.</summary>
    private readonly record struct Entry(long ReceiveTime, long ExchangeTime, long First, long Final, int BidStart, int BidCount, int AskStart, int AskCount)
    {
        public DepthDiff View(PriceLevel[] levels) =>
            new(First, Final, ExchangeTime, levels.AsMemory(BidStart, BidCount), levels.AsMemory(AskStart, AskCount));

        public DepthSnapshot Snapshot(PriceLevel[] levels) =>
            new(Final, levels.AsMemory(BidStart, BidCount), levels.AsMemory(AskStart, AskCount));
    }

    private sealed class SegmentData
    {
        public List<Entry> Depth { get; } = [];
        public List<Entry> Snapshots { get; } = [];
        public List<BookTicker> Tickers { get; } = [];
        public List<RecordedTrade> Trades { get; } = [];
        public PriceLevel[] Levels { get; set; } = [];
    }

    private static SegmentData Read(BookSegment segment)
    {
        var data = new SegmentData();
        var levels = new List<PriceLevel>();
        using var connection = ParquetTableWriter.OpenScratch();
        var depth = segment.FilePath(BookSegmentFormat.Depth);
        if (!File.Exists(depth)) throw new InvalidDataException($"{segment.Directory}: the segment has no {BookSegmentFormat.Depth}");
        ReadLevels(connection,
            $"SELECT receive_time_us, coalesce(exchange_time_us, 0), first_update_id, final_update_id, side = '{BookSegmentFormat.BidSide}', side IS NULL, " +
            $"price_units, quantity_units FROM read_parquet({SqlText.Literal(depth)}, file_row_number = true) ORDER BY receive_time_us, file_row_number",
            data.Depth, levels, segment, BookSegmentFormat.Depth);
        var snapshots = segment.FilePath(BookSegmentFormat.Snapshots);
        if (File.Exists(snapshots))
            ReadLevels(connection,
                $"SELECT receive_time_us, 0, last_update_id, last_update_id, side = '{BookSegmentFormat.BidSide}', side IS NULL, price_units, quantity_units " +
                $"FROM read_parquet({SqlText.Literal(snapshots)}, file_row_number = true) ORDER BY receive_time_us, file_row_number",
                data.Snapshots, levels, segment, BookSegmentFormat.Snapshots);
        data.Levels = levels.ToArray();
        var tickers = segment.FilePath(BookSegmentFormat.BookTicker);
        if (File.Exists(tickers))
        {
            using var reader = Query(connection,
                "SELECT update_id, bid_price_units, bid_quantity_units, ask_price_units, ask_quantity_units, receive_time_us " +
                $"FROM read_parquet({SqlText.Literal(tickers)}, file_row_number = true) ORDER BY receive_time_us, file_row_number");
            while (reader.Read())
                data.Tickers.Add(new BookTicker(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }
        var trades = segment.FilePath(BookSegmentFormat.Trades);
        if (File.Exists(trades))
        {
            using var reader = Query(connection,
                "SELECT agg_trade_id, exchange_time_us, receive_time_us, price_units, quantity_units, buyer_is_maker " +
                $"FROM read_parquet({SqlText.Literal(trades)}, file_row_number = true) ORDER BY receive_time_us, file_row_number");
            while (reader.Read())
                data.Trades.Add(new RecordedTrade(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetBoolean(5)));
        }
        return data;
    }

    private static DuckDBDataReader Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteReader();
    }

    /// <summary>Groups consecutive rows with the same receive time and update ids into one entry, bids and asks apart.</summary>
    private static void ReadLevels(DuckDBConnection connection, string sql, List<Entry> entries, List<PriceLevel> levels, BookSegment segment, string file)
    {
        using var reader = Query(connection, sql);
        var bids = new List<PriceLevel>();
        var asks = new List<PriceLevel>();
        long time = 0, exchange = 0, first = 0, final = 0;
        var open = false;
        var row = 0L;
        while (reader.Read())
        {
            row++;
            long rowTime = reader.GetInt64(0), rowExchange = reader.GetInt64(1), rowFirst = reader.GetInt64(2), rowFinal = reader.GetInt64(3);
            if (open && (rowTime != time || rowFirst != first || rowFinal != final)) Flush();
            if (!open) (open, time, exchange, first, final) = (true, rowTime, rowExchange, rowFirst, rowFinal);
            if (reader.GetBoolean(5)) continue;
            if (reader.IsDBNull(6) || reader.IsDBNull(7))
                throw new InvalidDataException($"{segment.FilePath(file)}: row {row} has a side but no price or quantity");
            (reader.GetBoolean(4) ? bids : asks).Add(new PriceLevel(reader.GetInt64(6), reader.GetInt64(7)));
        }
        if (open) Flush();

        void Flush()
        {
            var bidStart = levels.Count;
            levels.AddRange(bids);
            var askStart = levels.Count;
            levels.AddRange(asks);
            entries.Add(new Entry(time, exchange, first, final, bidStart, bids.Count, askStart, asks.Count));
            bids.Clear();
            asks.Clear();
            open = false;
        }
    }
}
