namespace Pipelines.Engine.Storage;

/// <summary>
/// One row of <c>firings</c>: a trigger fired for a pipeline, under an idempotency key, and what the service's
/// dispatcher decided about it.
/// </summary>
/// <param name="Key">The idempotency key (Triggers/FiringKey): at most one row, hence one run, per key.</param>
/// <param name="Kind"><c>schedule</c>, <c>event</c> or <c>manual</c>, as <c>${{ trigger.kind }}</c> reads it.</param>
/// <param name="ScheduleCron">For a schedule: the cron text of the entry that fired, so catch-up finds that entry's last fire.</param>
/// <param name="ScheduledTime">For a schedule: the instant it fired for, in UTC.</param>
/// <param name="EventId">For an event: the id of the event that fired it.</param>
/// <param name="EventJson">For an event: the fields <c>${{ trigger.event.* }}</c> reads, as a JSON object.</param>
/// <param name="ParamsJson">Parameter overrides of a manual start, as a JSON object of strings.</param>
/// <param name="Decision">started, skipped, queued or replaced.</param>
/// <param name="RunId">The run it started or will start; null when skipped.</param>
/// <param name="Reason">Why it was skipped or what it replaced.</param>
public sealed record FiringRecord(
    string Key,
    string Pipeline,
    string Kind,
    string? ScheduleCron,
    DateTime? ScheduledTime,
    string? EventId,
    string? EventJson,
    string ParamsJson,
    FiringDecision Decision,
    string? RunId,
    string? Reason,
    DateTime DecidedAt);

/// <summary>What the dispatcher did with a firing.</summary>
public enum FiringDecision
{
    /// <summary>A run started at once.</summary>
    Started,

    /// <summary>Refused by <c>concurrency: forbid</c>; a <c>trigger.skipped</c> event says so.</summary>
    Skipped,

    /// <summary>Waits, under <c>concurrency: queue</c>, until the pipeline's running run ends.</summary>
    Queued,

    /// <summary>Started after cancelling the running run, under <c>concurrency: replace</c>.</summary>
    Replaced,
}
