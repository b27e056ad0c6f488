namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads klines from a Binance dump (12 positional columns, header optional) or a generic OHLCV CSV (a header naming
/// open_time, open, high, low, close and volume, in any order, other columns ignored), plain or zipped.
/// </summary>
public static class KlineFileReader
{
    private const int DumpColumns = 12;
    private static readonly string[] GenericColumns = ["open_time", "open", "high", "low", "close", "volume"];

    public static KlineFile Read(string path, CancellationToken cancellationToken = default)
    {
        using var text = DumpFile.OpenText(path, out var name);
        var line = new CsvLine(name);
        var rows = new List<Kline>();
        int[]? generic = null;
        var openTime = new EpochColumn("open_time", allowText: false);
        var closeTime = new EpochColumn("close_time", allowText: false);
        var layoutKnown = false;
        long number = 0;
        while (text.ReadLine() is { } raw)
        {
            number++;
            if (raw.Length == 0) continue;
            if ((number & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            line.Load(raw, number);
            if (!layoutKnown)
            {
                layoutKnown = true;
                if (!line.IsInteger(0))
                {
                    generic = HeaderLayout(line);
                    if (generic is not null) openTime = new EpochColumn("open_time", allowText: true);
                    continue;
                }
                if (line.Count == GenericColumns.Length) generic = [0, 1, 2, 3, 4, 5];
            }
            rows.Add(generic is null ? DumpRow(line, openTime, closeTime) : GenericRow(line, generic, openTime));
        }
        return new KlineFile(name, rows, generic is null, openTime.Microseconds);
    }

    /// <summary>Null when the header is Binance's own 12-column one; otherwise the positions of the generic columns.</summary>
    private static int[]? HeaderLayout(CsvLine header)
    {
        var names = new string[header.Count];
        for (var i = 0; i < header.Count; i++) names[i] = header.Name(i).ToLowerInvariant();
        if (names.Length == DumpColumns && names.Contains("close_time")) return null;
        var positions = new int[GenericColumns.Length];
        for (var c = 0; c < GenericColumns.Length; c++)
        {
            positions[c] = Array.IndexOf(names, GenericColumns[c]);
            if (positions[c] < 0)
                throw header.Error($"the header has no '{GenericColumns[c]}' column; a kline file needs {string.Join(", ", GenericColumns)} (or Binance's 12 dump columns)");
        }
        return positions;
    }

    private static Kline DumpRow(CsvLine line, EpochColumn openTime, EpochColumn closeTime)
    {
        if (line.Count != DumpColumns)
            throw line.Error($"has {line.Count} columns, a Binance kline dump has {DumpColumns} (open_time, open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_base, taker_buy_quote, ignore)");
        return new Kline(
            openTime.ReadMicros(line, 0),
            line.Double(1, "open"), line.Double(2, "high"), line.Double(3, "low"), line.Double(4, "close"), line.Double(5, "volume"),
            closeTime.ReadMicros(line, 6),
            line.Double(7, "quote_volume"), line.Long(8, "trades"), line.Double(9, "taker_buy_base"), line.Double(10, "taker_buy_quote"));
    }

    private static Kline GenericRow(CsvLine line, int[] at, EpochColumn openTime)
    {
        var needed = 0;
        foreach (var position in at) needed = Math.Max(needed, position + 1);
        if (line.Count < needed)
            throw line.Error($"has {line.Count} columns, the header promised at least {needed}");
        return new Kline(
            openTime.ReadMicros(line, at[0]),
            line.Double(at[1], "open"), line.Double(at[2], "high"), line.Double(at[3], "low"), line.Double(at[4], "close"), line.Double(at[5], "volume"),
            -1, double.NaN, -1, double.NaN, double.NaN);
    }
}
