namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads a Binance aggTrades dump: agg_trade_id, price, quantity, first_trade_id, last_trade_id, transact_time,
/// is_buyer_maker and, in spot files, is_best_match; header optional; plain or zipped.
/// </summary>
public static class AggTradeFileReader
{
    public static AggTradeFile Read(string path, CancellationToken cancellationToken = default)
    {
        using var text = DumpFile.OpenText(path, out var name);
        var line = new CsvLine(name);
        var rows = new List<AggTrade>();
        var time = new EpochColumn("transact_time", allowText: false);
        var columns = 0;
        var headerAllowed = true;
        long number = 0;
        while (text.ReadLine() is { } raw)
        {
            number++;
            if (raw.Length == 0) continue;
            if ((number & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            line.Load(raw, number);
            var first = headerAllowed;
            headerAllowed = false;
            if (first && !line.IsInteger(0))
            {
                if (line.Count is not (7 or 8))
                    throw line.Error($"the header has {line.Count} columns, an aggTrades dump has 7 or 8");
                continue;
            }
            if (columns == 0)
            {
                if (line.Count is not (7 or 8))
                    throw line.Error($"has {line.Count} columns, an aggTrades dump has 7 or 8 (agg_trade_id, price, quantity, first_trade_id, last_trade_id, transact_time, is_buyer_maker[, is_best_match])");
                columns = line.Count;
            }
            else if (line.Count != columns)
                throw line.Error($"has {line.Count} columns where earlier rows have {columns}");
            rows.Add(new AggTrade(
                line.Long(0, "agg_trade_id"), line.Double(1, "price"), line.Double(2, "quantity"),
                line.Long(3, "first_trade_id"), line.Long(4, "last_trade_id"), time.ReadMicros(line, 5),
                line.Bool(6, "is_buyer_maker"), columns == 8 && line.Bool(7, "is_best_match")));
        }
        return new AggTradeFile(name, rows, columns != 7, time.Microseconds);
    }
}
