using System.Globalization;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// One field of a standard cron expression: its name, its range and the names it accepts, and the parse of its
/// text (lists of values, ranges, <c>*</c>, steps) into the set of values it matches.
/// </summary>
internal sealed record CronField(string Name, int Min, int Max, IReadOnlyList<string>? Names = null, int NamesStartAt = 0)
{
    public static readonly CronField Second = new("second", 0, 59);
    public static readonly CronField Minute = new("minute", 0, 59);
    public static readonly CronField Hour = new("hour", 0, 23);
    public static readonly CronField DayOfMonth = new("day-of-month", 1, 31);
    public static readonly CronField Month = new("month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1);

    /// <summary>0-7 with both 0 and 7 for Sunday, as crontab, GitHub Actions and Kubernetes read it.</summary>
    public static readonly CronField DayOfWeek = new("day-of-week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 0);

    /// <summary>The values the field's text matches; Sunday as 7 is folded into 0.</summary>
    public SortedSet<int> Parse(string text)
    {
        var values = new SortedSet<int>();
        foreach (var element in text.Split(','))
        {
            if (element.Length == 0) throw Fail(text, "has an empty list element");
            var (range, step) = SplitStep(text, element);
            var (from, to) = range == "*" ? (Min, Max) : ParseRange(text, range, openEnded: step is not null);
            for (var value = from; value <= to; value += step ?? 1)
                values.Add(this == DayOfWeek && value == 7 ? 0 : value);
        }
        return values;
    }

    public bool IsEvery(SortedSet<int> values) => values.Count == (this == DayOfWeek ? 7 : Max - Min + 1);

    private (string Range, int? Step) SplitStep(string text, string element)
    {
        var slash = element.IndexOf('/');
        if (slash < 0) return (element, null);
        var stepText = element[(slash + 1)..];
        if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1 || step > Max - Min + 1)
            throw Fail(text, $"has step '{stepText}', which is not a whole number from 1 to {Max - Min + 1}");
        return (element[..slash], step);
    }

    private (int From, int To) ParseRange(string text, string range, bool openEnded)
    {
        var dash = range.IndexOf('-');
        if (dash < 0)
        {
            var single = ParseValue(text, range);
            // 'a/n' is read as 'a-max/n', as Kubernetes and Quartz read it.
            return (single, openEnded ? Max : single);
        }
        var (from, to) = (ParseValue(text, range[..dash]), ParseValue(text, range[(dash + 1)..]));
        if (from > to) throw Fail(text, $"has range '{range}' that runs backwards; cron ranges do not wrap around");
        return (from, to);
    }

    private int ParseValue(string text, string value)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number < Min || number > Max)
                throw Fail(text, $"has '{value}', outside {Min}-{Max}" + (this == DayOfWeek ? " (Sunday is 0 or 7)" : ""));
            return number;
        }
        var index = Names is null ? -1 : Names.ToList().FindIndex(n => n.Equals(value, StringComparison.OrdinalIgnoreCase));
        if (index >= 0) return index + NamesStartAt;
        throw Fail(text, Names is null
            ? $"has '{value}', which is not a number"
            : $"has '{value}', which is neither a number nor one of {string.Join(", ", Names)}");
    }

    public CronSyntaxException Fail(string text, string problem) => new($"cron {Name} field '{text}' {problem}");
}
