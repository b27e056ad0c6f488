namespace Pipelines.Engine.Triggers;

/// <summary>
/// The scheduled times a schedule still owes when the scheduler starts again, by its <c>catch_up</c> policy.
/// A schedule the store has never recorded a fire of owes nothing: it starts from now, so adding a schedule
/// or a fresh store never replays its past.
/// </summary>
public static class MissedFires
{
    /// <param name="lastRecordedFire">The scheduled time of the schedule's last fire the store recorded; null when there is none.</param>
    public static IReadOnlyList<DateTimeOffset> Due(ScheduleTrigger schedule, DateTimeOffset? lastRecordedFire, TimeProvider clock)
    {
        if (lastRecordedFire is not { } last || schedule.CatchUp == CatchUpPolicy.None) return [];
        var now = clock.GetUtcNow();
        var expression = schedule.Cron.ToQuartz(schedule.TimeZone);
        var missed = new List<DateTimeOffset>();
        for (var next = expression.GetNextValidTimeAfter(last); next is { } fire && fire <= now; next = expression.GetNextValidTimeAfter(fire))
        {
            if (schedule.CatchUp == CatchUpPolicy.Latest) missed.Clear();
            missed.Add(TimeZoneInfo.ConvertTime(fire, schedule.TimeZone));
        }
        return missed;
    }
}
