using System.Globalization;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads a time column of one file. The unit (milliseconds or microseconds) is fixed by the first value and every
/// later value must agree, since a file switching units mid-way would otherwise yield silently wrong times.
/// Text timestamps (ISO 8601, with or without offset; no offset means UTC) are accepted where allowed.
/// </summary>
public sealed class EpochColumn(string column, bool allowText)
{
    private bool? _microseconds;

    /// <summary>Whether the file's epoch values are microseconds; null until a numeric value has been read.</summary>
    public bool? Microseconds => _microseconds;

    public long ReadMicros(CsvLine line, int index)
    {
        var text = line[index];
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var raw))
            return ToMicros(raw, line);
        if (allowText && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
            return EpochTime.FromDateTime(parsed);
        throw line.Error($"column {index + 1} ({column}) is '{text.ToString()}', expected {(allowText ? "an epoch time or an ISO 8601 timestamp" : "an epoch time in milliseconds or microseconds")}");
    }

    public long ToMicros(long raw, CsvLine line)
    {
        var micros = EpochTime.IsMicroseconds(raw);
        _microseconds ??= micros;
        if (_microseconds != micros)
            throw line.Error($"{column} {raw} is in {(micros ? "microseconds" : "milliseconds")} but earlier rows of the file are in {(micros ? "milliseconds" : "microseconds")}");
        return EpochTime.ToMicros(raw, micros);
    }
}
