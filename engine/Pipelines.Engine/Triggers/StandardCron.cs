using Quartz;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// A schedule written in standard cron, as crontab, GitHub Actions and Kubernetes read it — minute, hour,
/// day-of-month, month, day-of-week, with an optional leading seconds field — and its translation into the
/// Quartz dialect the scheduler runs. Users never write Quartz's dialect: it numbers weekdays 1-7 from Sunday
/// and wants '?' in a day field, so the same text would mean something else there.
/// </summary>
public sealed class StandardCron
{
    private static readonly string[] QuartzWeekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    /// <summary>The expression as the user wrote it.</summary>
    public string Text { get; }

    /// <summary>The same schedule in Quartz's dialect: seconds first, '?' in an unrestricted day field, weekday names.</summary>
    public string QuartzText { get; }

    private StandardCron(string text, string quartzText) => (Text, QuartzText) = (text, quartzText);

    /// <exception cref="CronSyntaxException">The text is not standard cron, or Quartz cannot reproduce it.</exception>
    public static StandardCron Parse(string text)
    {
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
            throw new CronSyntaxException(
                $"cron '{text}' has {fields.Length} field(s); standard cron has five (minute hour day-of-month month day-of-week) or six with seconds first");
        var withSeconds = fields.Length == 6;
        var offset = withSeconds ? 1 : 0;
        var seconds = withSeconds ? Emit(CronField.Second, fields[0]) : "0";
        var minutes = Emit(CronField.Minute, fields[offset]);
        var hours = Emit(CronField.Hour, fields[offset + 1]);
        var daysOfMonthText = fields[offset + 2];
        var daysOfWeekText = fields[offset + 4];
        var daysOfMonth = CronField.DayOfMonth.Parse(daysOfMonthText);
        var months = Emit(CronField.Month, fields[offset + 3]);
        var daysOfWeek = CronField.DayOfWeek.Parse(daysOfWeekText);

        var (quartzDaysOfMonth, quartzDaysOfWeek) = DayFields(daysOfMonthText, daysOfMonth, daysOfWeekText, daysOfWeek);
        var quartzText = $"{seconds} {minutes} {hours} {quartzDaysOfMonth} {months} {quartzDaysOfWeek}";
        try
        {
            _ = new CronExpression(quartzText);
        }
        catch (FormatException e)
        {
            throw new CronSyntaxException($"cron '{text}' translates to Quartz '{quartzText}', which Quartz refuses: {e.Message}");
        }
        return new StandardCron(text, quartzText);
    }

    /// <summary>The Quartz expression, resolved in <paramref name="timeZone"/>.</summary>
    public CronExpression ToQuartz(TimeZoneInfo timeZone) => new CronExpression(QuartzText).WithTimeZone(timeZone);

    public override string ToString() => Text;

    /// <summary>
    /// Standard cron's day rule (Vixie cron): when both day fields are restricted a day matches either; when one
    /// of them starts with '*' a day must match both. Quartz 4.7 unions two restricted day fields, so the first
    /// case translates directly, and '?' expresses "every day" in the second. What Quartz cannot say is a stepped
    /// '*' (e.g. '*/2') in one day field together with a restricted other: cron then wants both, Quartz would
    /// give either, so that is refused rather than run on different days than the file says.
    /// </summary>
    private static (string DaysOfMonth, string DaysOfWeek) DayFields(string domText, SortedSet<int> dom, string dowText, SortedSet<int> dow)
    {
        bool domStar = domText.StartsWith('*'), dowStar = dowText.StartsWith('*');
        var everyDayOfMonth = CronField.DayOfMonth.IsEvery(dom);
        var everyDayOfWeek = CronField.DayOfWeek.IsEvery(dow);
        if (!domStar && !dowStar)
            return everyDayOfMonth || everyDayOfWeek ? ("*", "?") : (Compact(CronField.DayOfMonth, dom), Weekdays(dow));
        if (everyDayOfWeek) return (Compact(CronField.DayOfMonth, dom), "?");
        if (everyDayOfMonth) return ("?", Weekdays(dow));
        var (stepped, other) = domStar ? ($"day-of-month field '{domText}'", $"day-of-week '{dowText}'") : ($"day-of-week field '{dowText}'", $"day-of-month '{domText}'");
        throw new CronSyntaxException(
            $"cron {stepped} starts with '*' but is stepped while {other} is restricted: cron then fires on days matching both, " +
            "which a Quartz schedule cannot express; list the days instead (e.g. '1-31/2' rather than '*/2'), which fires on days matching either");
    }

    private static string Emit(CronField field, string text) => Compact(field, field.Parse(text));

    /// <summary>The shortest plain Quartz spelling of a value set: '*', 'start/step', or a list of values and ranges.</summary>
    private static string Compact(CronField field, SortedSet<int> values)
    {
        if (field.IsEvery(values)) return "*";
        var list = values.ToList();
        if (list.Count >= 3)
        {
            var step = list[1] - list[0];
            var progression = list.Zip(list.Skip(1), (a, b) => b - a).All(d => d == step);
            if (step > 1 && progression && list[^1] + step > field.Max) return $"{list[0]}/{step}";
        }
        return string.Join(',', Runs(list).Select(r => r.From == r.To ? $"{r.From}" : r.To == r.From + 1 ? $"{r.From},{r.To}" : $"{r.From}-{r.To}"));
    }

    /// <summary>Weekdays by name, so the translated text cannot be misread under either numbering.</summary>
    private static string Weekdays(SortedSet<int> days) =>
        string.Join(',', Runs(days.ToList()).Select(r =>
            r.From == r.To ? QuartzWeekdays[r.From]
            : r.To == r.From + 1 ? $"{QuartzWeekdays[r.From]},{QuartzWeekdays[r.To]}"
            : $"{QuartzWeekdays[r.From]}-{QuartzWeekdays[r.To]}"));

    private static IEnumerable<(int From, int To)> Runs(List<int> sorted)
    {
        var start = 0;
        for (var i = 1; i <= sorted.Count; i++)
        {
            if (i < sorted.Count && sorted[i] == sorted[i - 1] + 1) continue;
            yield return (sorted[start], sorted[i - 1]);
            start = i;
        }
    }
}
