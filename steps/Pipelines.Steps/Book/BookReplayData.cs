using Pipelines.Steps.Ingest.BookRecording;
using DuckDB.NET.Data;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Book;

/// <summary>
/// The depth events, snapshots and trades of a symbol's segments, read once into flat arrays so that replaying them
/// (<see cref="BookReplay"/>, <see cref="BookSegmentTradeSource"/>) allocates nothing per event. Depth events are in
/// exchange-time order (then update id), trades in exchange-time order (then trade id),
/// snapshots where they arrived among the depth events. Level prices and quantities stay in fixed-point units.
/// </summary>
public sealed class BookReplayData
{
    private BookReplayData(string symbol, IReadOnlyList<string> segments)
    {
        Symbol = symbol;
        Segments = segments;
    }

    public string Symbol { get; }

    public IReadOnlyList<string> Segments { get; }

    public int EventCount { get; private set; }
    public long[] EventTimes { get; private set; } = [];
    public long[] FirstUpdateIds { get; private set; } = [];
    public long[] FinalUpdateIds { get; private set; } = [];

    /// <summary>Event i's bid changes are BidLevels[BidStarts[i] .. BidStarts[i + 1]); likewise for asks.</summary>
    public int[] BidStarts { get; private set; } = [];
    public int[] AskStarts { get; private set; } = [];
    public PriceLevel[] BidLevels { get; private set; } = [];
    public PriceLevel[] AskLevels { get; private set; } = [];

    /// <summary>When each snapshot is replayed, on the exchange clock (see <see cref="LoadSnapshots"/>).</summary>
    public long[] SnapshotTimes { get; private set; } = [];
    public DepthSnapshot[] Snapshots { get; private set; } = [];

    /// <summary>How many depth events (in replay order) come before each snapshot: the ones received before it.</summary>
    public int[] SnapshotEventIndexes { get; private set; } = [];

    public Tick[] Trades { get; private set; } = [];

    public DepthDiff Event(int index) => new(FirstUpdateIds[index], FinalUpdateIds[index], EventTimes[index],
        BidLevels.AsMemory(BidStarts[index], BidStarts[index + 1] - BidStarts[index]),
        AskLevels.AsMemory(AskStarts[index], AskStarts[index + 1] - AskStarts[index]));

    /// <summary>Reads every complete segment of <paramref name="symbol"/> under <paramref name="root"/> (those <paramref name="include"/> accepts when given).</summary>
    /// <exception cref="InvalidDataException">There is no segment, or a file breaks the format (named in the message).</exception>
    public static BookReplayData Load(string root, string symbol, Func<BookSegment, bool>? include = null)
    {
        var symbolDirectory = BookSegment.SymbolDirectory(root, symbol);
        if (!Directory.Exists(symbolDirectory))
            throw new DirectoryNotFoundException($"no order-book segments for {symbol.ToUpperInvariant()}: {symbolDirectory} does not exist");
        var segments = BookSegment.List(root, symbol).Where(segment => include?.Invoke(segment) ?? true).Select(segment => segment.Directory).ToArray();
        if (segments.Length == 0) throw new InvalidDataException($"{symbolDirectory} holds no complete segment");
        foreach (var segment in segments)
            foreach (var file in new[] { BookSegmentFormat.Depth, BookSegmentFormat.Snapshots, BookSegmentFormat.Trades })
                if (!File.Exists(Path.Combine(segment, file)))
                    throw new InvalidDataException($"segment {segment} lacks {file}");
        var data = new BookReplayData(symbol.ToUpperInvariant(), segments);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        try
        {
            data.LoadDepth(connection, Files(segments, BookSegmentFormat.Depth));
            data.LoadSnapshots(connection, Files(segments, BookSegmentFormat.Snapshots), Files(segments, BookSegmentFormat.Depth), Files(segments, BookSegmentFormat.Trades));
            data.LoadTrades(connection, Files(segments, BookSegmentFormat.Trades));
        }
        catch (Exception e) when (e is DuckDBException or InvalidOperationException)
        {
            throw new InvalidDataException($"the segments under {symbolDirectory} could not be read: {e.Message}", e);
        }
        return data;
    }

    private static string Files(IReadOnlyList<string> segments, string file) =>
        "read_parquet([" + string.Join(", ", segments.Select(s => SqlText.Literal(Path.Combine(s, file)))) + "])";

    private void LoadDepth(DuckDBConnection connection, string source)
    {
        var times = new List<long>();
        var firsts = new List<long>();
        var finals = new List<long>();
        var bidStarts = new List<int>();
        var askStarts = new List<int>();
        var bids = new List<PriceLevel>();
        var asks = new List<PriceLevel>();
        using var reader = ChunkReader.Query(connection, $"""
            SELECT exchange_time_us, first_update_id, final_update_id,
                   CAST(CASE side WHEN 'bid' THEN 1 WHEN 'ask' THEN 2 ELSE 0 END AS BIGINT),
                   COALESCE(price_units, 0), COALESCE(quantity_units, 0)
            FROM {source} ORDER BY exchange_time_us, final_update_id, first_update_id
            """);
        while (reader.Read())
        {
            var time = reader.Int64s(0);
            var first = reader.Int64s(1);
            var final = reader.Int64s(2);
            var side = reader.Int64s(3);
            var price = reader.Int64s(4);
            var quantity = reader.Int64s(5);
            for (var r = 0; r < reader.RowCount; r++)
            {
                var n = times.Count;
                if (n == 0 || finals[n - 1] != final[r] || firsts[n - 1] != first[r] || times[n - 1] != time[r])
                {
                    times.Add(time[r]);
                    firsts.Add(first[r]);
                    finals.Add(final[r]);
                    bidStarts.Add(bids.Count);
                    askStarts.Add(asks.Count);
                }
                if (side[r] == 0) continue;
                if (quantity[r] < 0 || price[r] <= 0)
                    throw new InvalidDataException($"depth event {first[r]}..{final[r]} has price {price[r]} and quantity {quantity[r]} units; prices must be positive and quantities not negative");
                (side[r] == 1 ? bids : asks).Add(new PriceLevel(price[r], quantity[r]));
            }
        }
        bidStarts.Add(bids.Count);
        askStarts.Add(asks.Count);
        EventCount = times.Count;
        EventTimes = [.. times];
        FirstUpdateIds = [.. firsts];
        FinalUpdateIds = [.. finals];
        BidStarts = [.. bidStarts];
        AskStarts = [.. askStarts];
        BidLevels = [.. bids];
        AskLevels = [.. asks];
    }

    /// <summary>
    /// Snapshots carry only a receive time, on the recorder's clock, while depth events are replayed by exchange time.
    /// So that a snapshot meets the events in the order they arrived live, whatever the two clocks' offset, it is
    /// replayed after the depth events received before it (<see cref="SnapshotEventIndexes"/>) and before the rest, at
    /// an exchange time no earlier than those events' and, where the clocks allow, no later than the depth events and
    /// trades received after it, so a trade received just after a snapshot sees the book it loaded. A recording
    /// without events keeps the receive time.
    /// </summary>
    private void LoadSnapshots(DuckDBConnection connection, string source, string depth, string trades)
    {
        var rows = connection.Rows($"""
            WITH depth_events AS (SELECT DISTINCT receive_time_us, exchange_time_us, first_update_id, final_update_id FROM {depth}),
                 placed AS (
                     SELECT (SELECT count(*) FROM depth_events d WHERE d.receive_time_us <= s.receive_time_us) AS before_events,
                            (SELECT max(d.exchange_time_us) FROM depth_events d WHERE d.receive_time_us <= s.receive_time_us) AS behind,
                            (SELECT min(d.exchange_time_us) FROM depth_events d WHERE d.receive_time_us > s.receive_time_us) AS depth_ahead,
                            (SELECT min(t.exchange_time_us) FROM {trades} t WHERE t.receive_time_us > s.receive_time_us) AS trade_ahead,
                            s.receive_time_us, last_update_id, side, price_units, quantity_units
                     FROM {source} s),
                 timed AS (
                     SELECT CASE WHEN behind IS NULL THEN coalesce(least(depth_ahead, trade_ahead), depth_ahead, trade_ahead, receive_time_us)
                                 ELSE greatest(behind, coalesce(least(depth_ahead, trade_ahead), depth_ahead, trade_ahead, behind)) END AS time_us,
                            before_events, last_update_id, side, price_units, quantity_units
                     FROM placed)
            SELECT time_us, last_update_id, side, price_units, quantity_units, before_events FROM timed
            ORDER BY time_us, before_events, last_update_id, side, CASE side WHEN 'bid' THEN -price_units ELSE price_units END
            """);
        var eventIndexes = new List<int>();
        var times = new List<long>();
        var snapshots = new List<DepthSnapshot>();
        var i = 0;
        while (i < rows.Count)
        {
            var time = (long)rows[i][0]!;
            var last = (long)rows[i][1]!;
            var bids = new List<PriceLevel>();
            var asks = new List<PriceLevel>();
            for (; i < rows.Count && (long)rows[i][0]! == time && (long)rows[i][1]! == last; i++)
            {
                var level = new PriceLevel((long)rows[i][3]!, (long)rows[i][4]!);
                if ((string?)rows[i][2] == "bid") bids.Add(level);
                else if ((string?)rows[i][2] == "ask") asks.Add(level);
                else throw new InvalidDataException($"snapshot {last} has a level with side '{rows[i][2]}'; expected bid or ask");
            }
            times.Add(time);
            eventIndexes.Add((int)(long)rows[i - 1][5]!);
            snapshots.Add(new DepthSnapshot(last, bids.ToArray(), asks.ToArray()));
        }
        SnapshotTimes = [.. times];
        SnapshotEventIndexes = [.. eventIndexes];
        Snapshots = [.. snapshots];
    }

    private void LoadTrades(DuckDBConnection connection, string source)
    {
        var trades = new List<Tick>();
        using var reader = ChunkReader.Query(connection,
            $"SELECT exchange_time_us, agg_trade_id, price_units, quantity_units, CAST(buyer_is_maker AS BIGINT) FROM {source} ORDER BY exchange_time_us, agg_trade_id");
        while (reader.Read())
        {
            var time = reader.Int64s(0);
            var id = reader.Int64s(1);
            var price = reader.Int64s(2);
            var quantity = reader.Int64s(3);
            var maker = reader.Int64s(4);
            for (var r = 0; r < reader.RowCount; r++)
                trades.Add(new Tick(id[r], time[r], FixedPointDecimal.ToDouble(price[r]), FixedPointDecimal.ToDouble(quantity[r]), maker[r] != 0));
        }
        Trades = [.. trades];
    }
}
