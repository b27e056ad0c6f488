using System.Data.Common;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The notifier's records in the store: how far it has read the events (its cursor) and one delivery per event and
/// sink. New deliveries are written in the same transaction that moves the cursor past their events, so a restart
/// neither sends an event twice nor skips one. Every call is one short transaction; nothing here waits on a network.
/// </summary>
public sealed class NotificationDeliveries(PipelineStore store)
{
    /// <summary>
    /// Reads up to <paramref name="batch"/> events after the subscriber's cursor, records a pending delivery, due
    /// at <paramref name="now"/>, for each sink <paramref name="sinksFor"/> names, and moves the cursor past them.
    /// A subscriber the store has never seen starts after the newest event: it notifies what happens from now on,
    /// not the store's history. Returns the events read.
    /// </summary>
    public IReadOnlyList<PipelineEvent> Enqueue(string subscriber, Func<PipelineEvent, IEnumerable<string>> sinksFor, DateTime now, int batch) =>
        store.InTransaction(connection =>
        {
            var cursor = connection.Scalar<long?>("SELECT last_sequence FROM subscription_cursors WHERE subscriber = ?", subscriber);
            if (cursor is null)
            {
                connection.Execute("INSERT INTO subscription_cursors (subscriber, last_sequence, updated_at) SELECT ?, coalesce(max(seq), 0), ? FROM events",
                    subscriber, now);
                return (IReadOnlyList<PipelineEvent>)[];
            }
            var events = connection.Rows("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", StoreEntities.Event, cursor.Value, batch);
            if (events.Count == 0) return events;
            foreach (var e in events)
            foreach (var sink in sinksFor(e))
                connection.Execute(
                    "INSERT INTO notification_deliveries (event_seq, event_id, event_type, sink, status, attempts, created_at, next_attempt_at) " +
                    "VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING",
                    e.Sequence, e.Id, e.Type, sink, StatusText(DeliveryStatus.Pending), now, now);
            connection.Execute("UPDATE subscription_cursors SET last_sequence = ?, updated_at = ? WHERE subscriber = ?", events[^1].Sequence, now, subscriber);
            return events;
        });

    /// <summary>The subscriber's cursor: the last event sequence it has read, null before its first read.</summary>
    public long? Cursor(string subscriber) => store.Read(connection =>
        connection.Scalar<long?>("SELECT last_sequence FROM subscription_cursors WHERE subscriber = ?", subscriber));

    /// <summary>A sink's pending deliveries due at <paramref name="now"/>, oldest event first, each with its event.</summary>
    public IReadOnlyList<(NotificationDelivery Delivery, PipelineEvent Event)> Due(string sink, DateTime now, int limit) => store.Read(connection =>
        connection.Rows(
            "SELECT d.*, e.* FROM notification_deliveries d JOIN events e ON e.seq = d.event_seq " +
            "WHERE d.sink = ? AND d.status = ? AND d.next_attempt_at <= ? ORDER BY d.event_seq LIMIT ?",
            row => (Delivery(row), StoreEntities.Event(row)), sink, StatusText(DeliveryStatus.Pending), now, limit));

    /// <summary>When the sink's next pending delivery falls due; null when it has none.</summary>
    public DateTime? NextDue(string sink) => store.Read(connection =>
    {
        var next = connection.Scalar<DateTime?>("SELECT min(next_attempt_at) FROM notification_deliveries WHERE sink = ? AND status = ?",
            sink, StatusText(DeliveryStatus.Pending));
        return next is { } time ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : (DateTime?)null;
    });

    public void MarkDelivered(long eventSequence, string sink, DateTime at) => store.InTransaction(connection => connection.Execute(
        "UPDATE notification_deliveries SET status = ?, attempts = attempts + 1, delivered_at = ?, next_attempt_at = NULL WHERE event_seq = ? AND sink = ?",
        StatusText(DeliveryStatus.Delivered), at, eventSequence, sink));

    /// <summary>Records a failed attempt: due again at <paramref name="retryAt"/>, or failed for good when that is null.</summary>
    public void MarkAttemptFailed(long eventSequence, string sink, string error, DateTime? retryAt) => store.InTransaction(connection => connection.Execute(
        "UPDATE notification_deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE event_seq = ? AND sink = ?",
        StatusText(retryAt is null ? DeliveryStatus.Failed : DeliveryStatus.Pending), error, retryAt, eventSequence, sink));

    /// <summary>
    /// Pending deliveries to sinks no longer configured can never be sent: they are marked failed, saying so, rather
    /// than left pending for ever. Returns how many.
    /// </summary>
    public int FailAbandoned(IReadOnlyCollection<string> configuredSinks, string reason) => store.InTransaction(connection =>
    {
        var pending = connection.Rows("SELECT DISTINCT sink FROM notification_deliveries WHERE status = ?", row => row.Text("sink"),
            StatusText(DeliveryStatus.Pending));
        var abandoned = 0;
        foreach (var sink in pending.Where(s => !configuredSinks.Contains(s)))
            abandoned += connection.Execute("UPDATE notification_deliveries SET status = ?, last_error = ?, next_attempt_at = NULL WHERE sink = ? AND status = ?",
                StatusText(DeliveryStatus.Failed), reason, sink, StatusText(DeliveryStatus.Pending));
        return abandoned;
    });

    /// <summary>Deliveries, newest event first; only failed ones when <paramref name="failedOnly"/>.</summary>
    public IReadOnlyList<NotificationDelivery> List(bool failedOnly, int limit) => store.Read(connection => failedOnly
        ? connection.Rows("SELECT * FROM notification_deliveries WHERE status = ? ORDER BY event_seq DESC, sink LIMIT ?", Delivery,
            StatusText(DeliveryStatus.Failed), limit)
        : connection.Rows("SELECT * FROM notification_deliveries ORDER BY event_seq DESC, sink LIMIT ?", Delivery, limit));

    /// <summary>One event's deliveries, by sink.</summary>
    public IReadOnlyList<NotificationDelivery> ForEvent(long eventSequence) => store.Read(connection =>
        connection.Rows("SELECT * FROM notification_deliveries WHERE event_seq = ? ORDER BY sink", Delivery, eventSequence));

    private static NotificationDelivery Delivery(DbDataReader row) => new(
        row.Integer("event_seq"), row.Text("event_id"), row.Text("event_type"), row.Text("sink"), ParseStatus(row.Text("status")),
        (int)row.Integer("attempts"), row.Time("created_at"), row.TimeOrNull("next_attempt_at"), row.TextOrNull("last_error"),
        row.TimeOrNull("delivered_at"));

    public static string StatusText(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    private static DeliveryStatus ParseStatus(string text) => text switch
    {
        "pending" => DeliveryStatus.Pending,
        "delivered" => DeliveryStatus.Delivered,
        "failed" => DeliveryStatus.Failed,
        _ => throw new InvalidDataException($"unknown notification delivery status '{text}'"),
    };
}
