using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The service's memory of what fired: the <c>firings</c> table keyed by idempotency key, and the cursors of event
/// subscribers. Everything goes through the store's one connection, so a decision and its check are one commit.
/// </summary>
public sealed class FiringLog(PipelineStore store)
{
    /// <summary>
    /// Records <paramref name="firing"/> unless its key is already recorded, in one transaction; returns the row that
    /// holds the key afterwards and whether it is the one just written.
    /// </summary>
    public (FiringRecord Recorded, bool IsNew) Record(FiringRecord firing) => store.InTransaction(connection =>
    {
        var existing = connection.Rows("SELECT * FROM firings WHERE firing_key = ?", FiringRow, firing.Key).FirstOrDefault();
        if (existing is not null) return (existing, false);
        connection.Execute(
            "INSERT INTO firings (firing_key, pipeline, kind, schedule_cron, scheduled_time, event_id, event_json, params_json, decision, run_id, reason, decided_at) " +
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            firing.Key, firing.Pipeline, firing.Kind, firing.ScheduleCron, firing.ScheduledTime, firing.EventId, firing.EventJson, firing.ParamsJson,
            Text(firing.Decision), firing.RunId, firing.Reason, firing.DecidedAt);
        return (firing, true);
    });

    /// <summary>Changes what was decided about a queued firing that will not run after all (cancelled, or no longer valid).</summary>
    public void Withdraw(string key, string reason) => store.InTransaction(connection =>
        connection.Execute("UPDATE firings SET decision = ?, reason = ? WHERE firing_key = ?", Text(FiringDecision.Skipped), reason, key));

    public FiringRecord? Find(string key) =>
        store.Read(c => c.Rows("SELECT * FROM firings WHERE firing_key = ?", FiringRow, key).FirstOrDefault());

    /// <summary>The firing that started (or will start) <paramref name="runId"/>; null for a run the CLI started.</summary>
    public FiringRecord? ForRun(string runId) =>
        store.Read(c => c.Rows("SELECT * FROM firings WHERE run_id = ?", FiringRow, runId).FirstOrDefault());

    /// <summary>The scheduled time of the newest recorded fire of a pipeline's schedule entry, whatever was decided about it.</summary>
    public DateTimeOffset? LastScheduledFire(string pipeline, string cron) => store.Read(c => c
        .Rows("SELECT max(scheduled_time) AS last FROM firings WHERE pipeline = ? AND kind = ? AND schedule_cron = ? AND scheduled_time IS NOT NULL",
            row => row.TimeOrNull("last"), pipeline, TriggerContext.ScheduleKind, cron)
        .Select(t => t is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : (DateTimeOffset?)null)
        .FirstOrDefault());

    /// <summary>Queued firings whose run never started (the service stopped first), oldest first.</summary>
    public IReadOnlyList<FiringRecord> WaitingInQueue() => store.Read(c => c.Rows(
        "SELECT f.* FROM firings f WHERE f.decision = ? AND f.run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_id = f.run_id) " +
        "ORDER BY f.decided_at, f.firing_key", FiringRow, Text(FiringDecision.Queued)));

    /// <summary>Runs the service started (a firing names them) that a crash left interrupted, oldest first.</summary>
    public IReadOnlyList<RunRecord> InterruptedServiceRuns() => store.Read(c => c.Rows(
        "SELECT r.* FROM runs r WHERE r.status = ? AND EXISTS (SELECT 1 FROM firings f WHERE f.run_id = r.run_id) ORDER BY r.started_at",
        StoreEntities.Run, StatusText.Of(RunStatus.Interrupted)));

    /// <summary>The last event sequence <paramref name="subscriber"/> handled; null when it never read any.</summary>
    public long? Cursor(string subscriber) => store.Read(c => c
        .Rows("SELECT last_sequence FROM subscription_cursors WHERE subscriber = ?", row => (long?)row.Integer("last_sequence"), subscriber)
        .FirstOrDefault());

    public void SaveCursor(string subscriber, long lastSequence) => store.InTransaction(connection =>
        connection.Execute("INSERT INTO subscription_cursors (subscriber, last_sequence, updated_at) VALUES (?, ?, ?) " +
            "ON CONFLICT (subscriber) DO UPDATE SET last_sequence = excluded.last_sequence, updated_at = excluded.updated_at",
            subscriber, lastSequence, DateTime.UtcNow));

    public static string Text(FiringDecision decision) => decision.ToString().ToLowerInvariant();

    private static FiringRecord FiringRow(System.Data.Common.DbDataReader row) => new(
        row.Text("firing_key"), row.Text("pipeline"), row.Text("kind"), row.TextOrNull("schedule_cron"),
        row.TimeOrNull("scheduled_time") is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null,
        row.TextOrNull("event_id"), row.TextOrNull("event_json"), row.Text("params_json"),
        Enum.Parse<FiringDecision>(row.Text("decision"), ignoreCase: true), row.TextOrNull("run_id"), row.TextOrNull("reason"), row.Time("decided_at"));
}
