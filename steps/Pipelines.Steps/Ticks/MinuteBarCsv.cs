using System.Globalization;

namespace Pipelines.Steps.Ticks;

/// <summary>
/// Reads one-minute bars from a CSV with a header naming at least open_time, open, high, low, close and volume
/// (the bundled sample's layout); a taker_buy_base (or taker_buy_base_volume) column is used when present.
/// open_time is an ISO-8601 timestamp or epoch milliseconds.
/// </summary>
public static class MinuteBarCsv
{
    private static readonly string[] Required = ["open_time", "open", "high", "low", "close", "volume"];

    public static MinuteBar[] Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty");
        var names = header.Split(',').Select(n => n.Trim()).ToArray();
        var index = new int[Required.Length];
        for (var i = 0; i < Required.Length; i++)
        {
            index[i] = Array.IndexOf(names, Required[i]);
            if (index[i] < 0)
                throw new InvalidDataException($"{path} line 1: column '{Required[i]}' is missing (columns: {string.Join(", ", names)})");
        }
        var takerBuy = Array.IndexOf(names, "taker_buy_base");
        if (takerBuy < 0) takerBuy = Array.IndexOf(names, "taker_buy_base_volume");

        var bars = new List<MinuteBar>();
        var lineNumber = 1;
        long previousTime = long.MinValue;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != names.Length)
                throw new InvalidDataException($"{path} line {lineNumber}: {fields.Length} fields, the header has {names.Length}");
            var time = ParseTime(fields[index[0]], path, lineNumber);
            if (time <= previousTime)
                throw new InvalidDataException($"{path} line {lineNumber}: open_time {fields[index[0]]} does not follow the previous bar's");
            previousTime = time;
            var bar = new MinuteBar(time,
                Number(fields, index[1], "open", path, lineNumber),
                Number(fields, index[2], "high", path, lineNumber),
                Number(fields, index[3], "low", path, lineNumber),
                Number(fields, index[4], "close", path, lineNumber),
                Number(fields, index[5], "volume", path, lineNumber),
                takerBuy < 0 ? double.NaN : Number(fields, takerBuy, names[takerBuy], path, lineNumber));
            Check(bar, path, lineNumber);
            bars.Add(bar);
        }
        if (bars.Count == 0) throw new InvalidDataException($"{path}: no bars after the header");
        return bars.ToArray();
    }

    private static void Check(MinuteBar bar, string path, int line)
    {
        if (!(bar.Low > 0) || bar.High < bar.Low || bar.Open < bar.Low || bar.Open > bar.High || bar.Close < bar.Low || bar.Close > bar.High)
            throw new InvalidDataException(
                $"{path} line {line}: prices are inconsistent (open {bar.Open}, high {bar.High}, low {bar.Low}, close {bar.Close}); need 0 < low <= open, close <= high");
        if (bar.Volume < 0) throw new InvalidDataException($"{path} line {line}: volume {bar.Volume} is negative");
        if (!double.IsNaN(bar.TakerBuyBase) && (bar.TakerBuyBase < 0 || bar.TakerBuyBase > bar.Volume * (1 + 1e-9)))
            throw new InvalidDataException($"{path} line {line}: taker buy volume {bar.TakerBuyBase} is outside [0, volume {bar.Volume}]");
    }

    private static double Number(string[] fields, int index, string column, string path, int line) =>
        double.TryParse(fields[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InvalidDataException($"{path} line {line}: {column} '{fields[index]}' is not a finite number");

    private static long ParseTime(string text, string path, int line)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var millis)) return millis * 1000;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return (time.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
        throw new InvalidDataException($"{path} line {line}: open_time '{text}' is neither a timestamp nor epoch milliseconds");
    }
}
