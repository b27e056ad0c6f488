namespace Pipelines.Service.Scheduling;

/// <summary>
/// What the status page, the status endpoint and the metrics may ask of the scheduler, without reaching into Quartz:
/// whether it fires at all, what it fires next, and which pipelines have their triggers paused.
/// </summary>
public interface ITriggerSchedule
{
    bool IsRunning { get; }

    /// <summary>The next <paramref name="perPipeline"/> fires of each scheduled pipeline, soonest first.</summary>
    IReadOnlyList<UpcomingFire> Upcoming(int perPipeline);

    bool IsPaused(string pipeline);
}

/// <summary>One future fire of one <c>on.schedule</c> entry, in UTC and as the cron's own time zone reads it.</summary>
public sealed record UpcomingFire(string Pipeline, string Cron, string TimeZone, DateTimeOffset At);
