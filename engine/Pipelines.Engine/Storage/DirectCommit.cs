using System.Data.Common;
using Npgsql;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The PostgreSQL store's step records: each is committed in its own transaction, with its artifacts, outputs, lineage
/// and events, before the call returns, so a step's dependents start only once its results are in the database that
/// every process of the cluster reads. Several processes write at once; what one DuckDB writer keeps in memory is kept
/// by the database instead: sequence numbers come from sequences, an artifact's row is unique by its hash (the first
/// producer's row stays), and events commit in the order of their sequence numbers (see <see cref="TakeEventSequence"/>).
/// </summary>
/// <remarks>
/// A connection lost to a restarted or unreachable server is opened again, with exponential backoff, and the unit of
/// work runs again from its start (<see cref="PostgresReconnection"/>); after <see cref="ReconnectAttempts"/> attempts the
/// failure is reported as <see cref="StoreUnavailableException"/>. A transaction that failed was rolled back by the server, so a retry never
/// finds half of it. A step record's sequence number is taken once, before its first attempt, and a retry that finds
/// it stored stops there: a commit whose acknowledgement was lost with the connection is not written twice.
/// </remarks>
internal sealed class DirectCommit : IStepRecords
{
    public const int ReconnectAttempts = PostgresReconnection.Attempts;

    private readonly NpgsqlConnection _connection;
    private readonly Lock _gate = new();
    private readonly PostgresReconnection _reconnection;

    public DirectCommit(NpgsqlConnection connection, string description, TimeSpan firstBackoff)
    {
        _connection = connection;
        _reconnection = new PostgresReconnection(connection, description, firstBackoff);
    }

    public void ReplayJournal() { }

    public void LoadKnownRows() { }

    /// <summary>
    /// Takes a transaction-scoped lock that every event-writing transaction takes before its sequence number, and holds
    /// it to its commit: events therefore become visible in sequence order, and a reader that has seen event n never
    /// later finds a smaller number appear (what subscribers' cursors rely on).
    /// </summary>
    public long TakeEventSequence(DbConnection connection)
    {
        connection.Execute("SELECT pg_advisory_xact_lock(?)", PostgresLocks.Events);
        return connection.Scalar<long>("SELECT nextval('event_seq')");
    }

    public long UpsertStepRun(StepRunRecord step) => Commit(step, new PendingRows(), [], null);

    /// <summary>
    /// As <see cref="UpsertStepRun"/> and <see cref="CompleteStepRun"/>, with <paramref name="guard"/> deciding in the same
    /// transaction whether the record is written at all: null when it refused, and nothing was.
    /// </summary>
    public long? CommitGuarded(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events, IStepRecordGuard guard)
    {
        var written = Commit(step, Rows(step, outputs, inputs, madeHere, references), events, guard);
        return written < 0 ? null : written;
    }

    public bool IsCommitted(long sequence) => true;

    public long CompleteStepRun(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events) =>
        Commit(step, Rows(step, outputs, inputs, madeHere, references), events, null);

    private static PendingRows Rows(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references)
    {
        var now = DateTime.UtcNow;
        var rows = new PendingRows();
        foreach (var source in inputs.Where(a => a.Kind == "source").DistinctBy(a => a.Sha256))
            rows.Artifacts.Add(ArtifactRow(source, isSource: true, null, null, now));
        foreach (var (output, artifact) in outputs)
        {
            rows.Artifacts.Add(ArtifactRow(artifact, isSource: false, step.RunId, step.StepId, now));
            rows.StepOutputs.Add([step.RunId, step.StepId, output, artifact.Sha256]);
            if (step.Status == StepStatus.Cached || (madeHere is not null && !madeHere.Contains(artifact))) continue;
            foreach (var parent in inputs.Where(i => i.Sha256 != artifact.Sha256).DistinctBy(i => i.Sha256))
                rows.Lineage.Add([parent.Sha256, artifact.Sha256, step.RunId, step.StepId]);
        }
        foreach (var reference in references)
        {
            // A referenced file the step made itself (an ensemble's meta-learner) gets its row, so it can be found by hash.
            if (madeHere is not null && madeHere.Contains(reference.Referenced))
                rows.Artifacts.Add(ArtifactRow(reference.Referenced, isSource: false, step.RunId, step.StepId, now));
            rows.References.Add([reference.Artifact.Sha256, reference.Referenced.Sha256, step.RunId, step.StepId]);
        }
        return rows;
    }

    public bool IsKnownArtifact(string sha256) =>
        AfterQueued(() => _connection.Scalar<long>("SELECT count(*) FROM artifacts WHERE sha256 = ?", sha256) > 0);

    /// <summary>Another process may have stored the key a moment ago: the database is asked every time.</summary>
    public bool IsKnownCacheKey(string cacheKey) => true;

    public T AfterQueued<T>(Func<T> work)
    {
        lock (_gate) return _reconnection.Execute(work);
    }

    /// <returns>The record's sequence number; -1 when <paramref name="guard"/> refused it.</returns>
    private long Commit(StepRunRecord step, PendingRows rows, IReadOnlyList<EventDraft> events, IStepRecordGuard? guard)
    {
        lock (_gate)
        {
            _pendingSequence = null;
            try
            {
                return AfterQueued(() => WriteOnce(step, rows, events, guard));
            }
            finally
            {
                _pendingSequence = null;
            }
        }
    }

    private long? _pendingSequence; // the sequence of the record being written, kept across retries; guarded by _gate

    private long WriteOnce(StepRunRecord s, PendingRows rows, IReadOnlyList<EventDraft> events, IStepRecordGuard? guard)
    {
        // Taken outside the transaction (a sequence does not roll back) and kept, so every attempt writes the same number.
        if (_pendingSequence is { } retried && _connection.Scalar<long>("SELECT count(*) FROM step_events WHERE seq = ?", retried) > 0)
            return retried;
        var sequence = _pendingSequence ??= _connection.Scalar<long>("SELECT nextval('step_event_seq')");
        using (var transaction = _connection.BeginTransaction())
        {
            // A refusal rolls back (by disposing the transaction) whatever the guard did; the sequence number is simply unused.
            if (guard is not null && !guard.Admit(_connection)) return -1;
            _connection.Execute(
                "INSERT INTO step_events (seq, run_id, step_id, step_type, step_version, status, cache_key, cached_from_run, attempts, started_at, " +
                "finished_at, duration_ms, inputs_json, outputs_json, message, node, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                sequence, s.RunId, s.StepId, s.StepType, s.StepVersion, StatusText.Of(s.Status), s.CacheKey, s.CachedFromRun, s.Attempts,
                s.StartedAt, s.FinishedAt, s.DurationMs, s.InputsJson, s.OutputsJson, s.Message, s.Node, s.Attempt);
            foreach (var row in rows.Artifacts)
                _connection.Execute(
                    "INSERT INTO artifacts (sha256, kind, format, bytes, store_path, is_source, created_at, produced_by_run, produced_by_step) " +
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING", row);
            foreach (var row in rows.StepOutputs)
                _connection.Execute("INSERT INTO step_outputs (run_id, step_id, output, sha256) VALUES (?, ?, ?, ?)", row);
            foreach (var row in rows.Lineage)
                _connection.Execute("INSERT INTO lineage (parent_sha256, child_sha256, run_id, step_id) VALUES (?, ?, ?, ?)", row);
            foreach (var row in rows.References)
                _connection.Execute("INSERT INTO artifact_references (sha256, referenced_sha256, run_id, step_id) VALUES (?, ?, ?, ?)", row);
            foreach (var draft in events)
                EventRows.Write(_connection, EventRows.Stamp(TakeEventSequence(_connection), draft));
            guard?.Written(_connection);
            transaction.Commit();
        }
        return sequence;
    }

    private static object?[] ArtifactRow(Artifact artifact, bool isSource, string? runId, string? stepId, DateTime now) =>
        [artifact.Sha256, artifact.Kind, artifact.Format, artifact.Bytes, artifact.StorePath, isSource, now, runId, stepId];

    public void Dispose() => _connection.Dispose();
}
