namespace Pipelines.Engine.Tests.Triggers;

/// <summary>
/// A brute-force reading of standard cron, independent of the translation under test: it walks the clock one
/// second or minute at a time and matches each local reading against the fields directly, with Vixie cron's
/// day rule and its handling of clock changes (a fixed-time fire in a skipped hour happens when the clocks
/// jump; in a repeated hour only expressions with '*' hours fire again).
/// </summary>
internal sealed class CronOracle
{
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly string[] _fields;
    private readonly bool _withSeconds;
    private readonly TimeZoneInfo _zone;

    public CronOracle(string cron, TimeZoneInfo zone)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        _withSeconds = fields.Length == 6;
        _fields = _withSeconds ? fields : ["0", .. fields];
        _zone = zone;
    }

    public List<DateTimeOffset> NextFires(DateTimeOffset after, int count, TimeSpan horizon)
    {
        var tick = _withSeconds ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1);
        var fires = new List<DateTimeOffset>();
        var start = new DateTimeOffset(after.UtcTicks - after.UtcTicks % tick.Ticks, TimeSpan.Zero) + tick;
        var previousReading = TimeZoneInfo.ConvertTime(start - tick, _zone).DateTime;
        for (var instant = start; fires.Count < count && instant - after < horizon; instant += tick)
        {
            var reading = TimeZoneInfo.ConvertTime(instant, _zone).DateTime;
            if (FiresAt(instant, reading, previousReading, tick)) fires.Add(instant);
            previousReading = reading;
        }
        return fires;
    }

    private bool FiresAt(DateTimeOffset instant, DateTime reading, DateTime previousReading, TimeSpan tick)
    {
        if (reading - previousReading > tick)
        {
            // The clocks jumped forward: the readings they skipped fire once, now.
            for (var skipped = previousReading + tick; skipped < reading; skipped += tick)
                if (Matches(skipped)) return true;
        }
        if (!Matches(reading)) return false;
        var secondPass = _zone.IsAmbiguousTime(reading) && TimeZoneInfo.ConvertTime(instant, _zone).Offset == _zone.BaseUtcOffset;
        return !secondPass || _fields[2].StartsWith('*');
    }

    private bool Matches(DateTime t)
    {
        if (!Field(_fields[0], t.Second, 0, 59) || !Field(_fields[1], t.Minute, 0, 59) || !Field(_fields[2], t.Hour, 0, 23)
            || !Field(_fields[4], t.Month, 1, 12, Months, 1)) return false;
        var dayOfMonth = Field(_fields[3], t.Day, 1, 31);
        var weekday = (int)t.DayOfWeek;
        var dayOfWeek = Field(_fields[5], weekday, 0, 7, Weekdays) || weekday == 0 && Field(_fields[5], 7, 0, 7, Weekdays);
        return _fields[3].StartsWith('*') || _fields[5].StartsWith('*') ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
    }

    private static bool Field(string text, int value, int min, int max, string[]? names = null, int namesStartAt = 0)
    {
        foreach (var element in text.Split(','))
        {
            var parts = element.Split('/');
            var step = parts.Length == 2 ? int.Parse(parts[1]) : 1;
            int from, to;
            if (parts[0] == "*") (from, to) = (min, max);
            else if (parts[0].Split('-') is [var a, var b]) (from, to) = (Value(a, names, namesStartAt), Value(b, names, namesStartAt));
            else (from, to) = (Value(parts[0], names, namesStartAt), parts.Length == 2 ? max : Value(parts[0], names, namesStartAt));
            if (value >= from && value <= to && (value - from) % step == 0) return true;
        }
        return false;
    }

    private static int Value(string text, string[]? names, int namesStartAt) =>
        int.TryParse(text, out var number) ? number : Array.FindIndex(names!, n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) + namesStartAt;
}
