using System.Runtime.InteropServices;
using DuckDB.NET.Data;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Book;

/// <summary>
/// Replays segments into a table of book snapshots for training, with the same columns the tick path gives
/// features: <c>time</c> (TIMESTAMP, UTC), <c>time_us</c>, <c>trade_id</c>, <c>last_update_id</c>, the tick columns
/// (<see cref="TickColumns"/>) and the book columns (<see cref="BookColumns"/>). Book events and trades are merged
/// exactly as on the tick path (<see cref="BookReplay.AdvanceTo"/> before each trade), so a row at a trade holds what
/// inference/tick sees at that trade.
/// </summary>
/// <remarks>
/// At every trade (<c>interval</c> null) a row is the trade's columns and the book after every event stamped at or
/// before it. At an interval, a row at the end of each interval holds the book then and the interval's trades as a
/// bar: open, high, low, close and price from its trades (the last price carried over when it had none), volume and
/// quantity their sum, buy and sell volume split by aggressor; trade_id is the last trade's. Rows where the book is
/// out of sync (after a gap, before the next snapshot) are left out and counted.
/// </remarks>
public static class BookSnapshotTable
{
    public static IReadOnlyList<string> Columns { get; } =
        ["time", "time_us", "trade_id", "last_update_id", .. TickColumns.Names, .. BookColumns.Names];

    /// <summary>Creates <paramref name="table"/> on <paramref name="connection"/> and fills it; returns rows written and rows left out.</summary>
    public static (long Rows, long OutOfSync) Build(DuckDBConnection connection, string table, BookReplayData data, TimeSpan? interval, CancellationToken cancellationToken = default)
    {
        if (interval is { } i && i < TimeSpan.FromMilliseconds(1)) throw new ArgumentOutOfRangeException(nameof(interval), interval, "must be at least 1 ms");
        var doubles = string.Join(", ", TickColumns.Names.Concat(BookColumns.Names).Select(n => SqlText.Identifier(n) + " DOUBLE"));
        connection.Execute($"CREATE OR REPLACE TABLE {SqlText.Identifier(table)} (time TIMESTAMP, time_us BIGINT, trade_id BIGINT, last_update_id BIGINT, {doubles})");
        var replay = new BookReplay(data);
        var row = new double[TickColumns.Names.Count + BookColumns.Count];
        long rows = 0, outOfSync = 0;
        using var appender = connection.CreateAppender(table);

        void Append(long time, long? tradeId)
        {
            if (!replay.Book.IsSynchronised)
            {
                outOfSync++;
                return;
            }
            BookColumns.Fill(replay.Book, row.AsSpan(TickColumns.Names.Count));
            var values = appender.CreateRow().AppendValue((DateTime?)DateTime.UnixEpoch.AddTicks(time * TimeSpan.TicksPerMicrosecond)).AppendValue((long?)time)
                .AppendValue(tradeId).AppendValue((long?)replay.Book.LastUpdateId);
            foreach (var value in row) values.AppendValue(double.IsNaN(value) ? null : (double?)value);
            values.EndRow();
            rows++;
        }

        var trades = data.Trades;
        if (interval is null)
        {
            for (var t = 0; t < trades.Length; t++)
            {
                if ((t & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                replay.AdvanceTo(trades[t].TimeMicros);
                TickColumns.Fill(in trades[t], row);
                Append(trades[t].TimeMicros, trades[t].TradeId);
            }
            return (rows, outOfSync);
        }

        var step = (long)interval.Value.TotalMicroseconds;
        var start = Math.Min(trades.Length > 0 ? trades[0].TimeMicros : long.MaxValue, data.EventCount > 0 ? data.EventTimes[0] : long.MaxValue);
        var end = Math.Max(trades.Length > 0 ? trades[^1].TimeMicros : long.MinValue, data.EventCount > 0 ? data.EventTimes[^1] : long.MinValue);
        if (start == long.MaxValue) return (0, 0);
        var next = 0;
        var lastPrice = double.NaN;
        long? lastTradeId = null;
        for (var boundary = start - start % step + step; boundary - step <= end; boundary += step)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double open = double.NaN, high = double.NaN, low = double.NaN, volume = 0, buys = 0, sells = 0;
            for (; next < trades.Length && trades[next].TimeMicros <= boundary; next++)
            {
                ref readonly var trade = ref trades[next];
                if (double.IsNaN(open)) open = high = low = trade.Price;
                high = Math.Max(high, trade.Price);
                low = Math.Min(low, trade.Price);
                lastPrice = trade.Price;
                lastTradeId = trade.TradeId;
                volume += trade.Quantity;
                if (trade.IsBuyerMaker) sells += trade.Quantity;
                else buys += trade.Quantity;
            }
            if (double.IsNaN(open)) open = high = low = lastPrice;
            replay.AdvanceTo(boundary);
            row[0] = lastPrice;
            row[1] = volume;
            row[2] = buys;
            row[3] = sells;
            row[4] = open;
            row[5] = high;
            row[6] = low;
            row[7] = lastPrice;
            row[8] = volume;
            Append(boundary, lastTradeId);
        }
        return (rows, outOfSync);
    }
}
