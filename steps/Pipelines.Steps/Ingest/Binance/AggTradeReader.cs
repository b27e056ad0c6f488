namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads a Binance aggTrades dump one trade at a time: agg_trade_id, price, quantity, first_trade_id, last_trade_id,
/// transact_time, is_buyer_maker and, in spot files, is_best_match; header optional; plain or zipped. Memory use does
/// not grow with the file. A bad row throws <see cref="InvalidDataException"/> naming the file and line; the reader
/// stays usable and the next call continues after that row, so a caller may skip bad rows instead of stopping.
/// </summary>
public sealed class AggTradeReader : IDisposable
{
    private readonly TextLineReader _lines;
    private readonly CsvLine _line;
    private readonly EpochColumn _time = new("transact_time", allowText: false);
    private int _columns;
    private bool _headerAllowed = true;

    private AggTradeReader(TextReader text, string name)
    {
        _lines = new TextLineReader(text);
        _line = new CsvLine(name);
        Name = name;
    }

    public static AggTradeReader Open(string path)
    {
        var text = DumpFile.OpenText(path, out var name);
        return new AggTradeReader(text, name);
    }

    /// <summary>The file name for messages; "file.zip/inner.csv" for zips.</summary>
    public string Name { get; }

    /// <summary>The number of the line last read, counting from 1.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Whether rows have the eighth (is_best_match) column; futures dumps do not. Known after the first row.</summary>
    public bool HasBestMatch => _columns != 7;

    /// <summary>Whether times are microseconds; null until a row has been read.</summary>
    public bool? Microseconds => _time.Microseconds;

    /// <summary>Reads the next trade; false at the end of the file.</summary>
    public bool TryRead(out AggTrade trade)
    {
        while (_lines.TryReadLine(out var raw))
        {
            LineNumber++;
            if (raw.IsEmpty) continue;
            _line.Load(raw, LineNumber);
            var first = _headerAllowed;
            _headerAllowed = false;
            if (first && !_line.IsInteger(0))
            {
                if (_line.Count is not (7 or 8))
                    throw _line.Error($"the header has {_line.Count} columns, an aggTrades dump has 7 or 8");
                continue;
            }
            if (_columns == 0)
            {
                if (_line.Count is not (7 or 8))
                    throw _line.Error($"has {_line.Count} columns, an aggTrades dump has 7 or 8 (agg_trade_id, price, quantity, first_trade_id, last_trade_id, transact_time, is_buyer_maker[, is_best_match])");
                _columns = _line.Count;
            }
            else if (_line.Count != _columns)
                throw _line.Error($"has {_line.Count} columns where earlier rows have {_columns}");
            trade = new AggTrade(
                _line.Long(0, "agg_trade_id"), _line.Double(1, "price"), _line.Double(2, "quantity"),
                _line.Long(3, "first_trade_id"), _line.Long(4, "last_trade_id"), _time.ReadMicros(_line, 5),
                _line.Bool(6, "is_buyer_maker"), _columns == 8 && _line.Bool(7, "is_best_match"));
            return true;
        }
        trade = default;
        return false;
    }

    public void Dispose() => _lines.Dispose();
}
