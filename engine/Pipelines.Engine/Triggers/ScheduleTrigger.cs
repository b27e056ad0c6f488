using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Triggers;

/// <summary>One <c>on.schedule</c> entry: a standard cron read in an IANA time zone.</summary>
public sealed record ScheduleTrigger(StandardCron Cron, TimeZoneInfo TimeZone, CatchUpPolicy CatchUp, YamlMapping Node)
{
    /// <summary>The next <paramref name="count"/> fires after <paramref name="after"/>, computed by Quartz in the schedule's time zone.</summary>
    public IReadOnlyList<DateTimeOffset> NextFires(DateTimeOffset after, int count)
    {
        var fires = new List<DateTimeOffset>(count);
        var expression = Cron.ToQuartz(TimeZone);
        var from = after;
        while (fires.Count < count && expression.GetNextValidTimeAfter(from) is { } next)
        {
            fires.Add(TimeZoneInfo.ConvertTime(next, TimeZone));
            from = next;
        }
        return fires;
    }
}
