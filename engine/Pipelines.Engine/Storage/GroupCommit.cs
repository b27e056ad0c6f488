using Pipelines.DuckDb;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The store's step records on their way into the database. Rows queue up and are appended together, through
/// DuckDB's appender, in one transaction at most the commit interval later or at once before any other use of the
/// connection (<see cref="AfterQueued{T}"/>), so a commit (and its fsync) is paid per batch rather than per step, and
/// never on the path from a step to its dependents.
/// </summary>
/// <remarks>
/// Each record is also written to the <see cref="StepJournal"/> as it is queued, before the runner can start anything
/// that depends on it; a killed process therefore loses no finished step: whoever opens the store next commits what
/// the journal holds beyond the database (<see cref="ReplayJournal"/>). Everything that writes around the queue (runs,
/// the registry, the decision writers' own connections) commits the queue first, so the database never holds an effect
/// of a step whose own record it lacks.
/// </remarks>
internal sealed class GroupCommit : IStepRecords
{
    /// <summary>The journal is emptied after a commit that leaves nothing queued, once it has grown past this.</summary>
    private const long JournalClearBytes = 1 << 20;

    private static readonly string Running = StatusText.Of(StepStatus.Running);

    private readonly DuckDBConnection _connection;
    private readonly string _databasePath;
    private readonly Lock _gate = new();        // guards the connection and everything read through it
    private readonly Lock _queueGate = new();   // guards only the queue, so queuing never waits for a commit's fsync
    private readonly PendingRows _pending = new();
    private readonly HashSet<string> _knownCacheKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownArtifacts = new(StringComparer.Ordinal);
    private readonly StepJournal _journal;       // guarded by _queueGate
    private bool _journalReplayed;               // whatever an earlier process left in the journal is in the database
    private readonly TimeSpan _commitInterval;
    private long _nextSequence;
    private long _nextEventSequence;             // guarded by _queueGate
    private long _committedSequence;
    private readonly Timer _committer;
    private long _oldestQueued;   // Stopwatch timestamp of the oldest queued row, 0 when none; guarded by _queueGate
    private bool _committerArmed; // guarded by _queueGate
    private bool _disposed;       // guarded by _gate
    private Exception? _commitFailure;

    public GroupCommit(DuckDBConnection connection, StoreLayout layout, TimeSpan commitInterval)
    {
        _connection = connection;
        _databasePath = layout.DatabasePath;
        _commitInterval = commitInterval;
        _journal = StepJournal.Open(layout.JournalPath);
        _committer = new Timer(_ => CommitDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Commits the step records a previous process journaled but did not live to commit. Only this process can
    /// hold the store open for writing, so the journal is nobody else's; entries up to the last committed sequence
    /// number are already in the database, because a commit takes everything queued before it. The journal's rows
    /// have the shape of the schema that wrote them: this runs before migrating.
    /// </summary>
    public void ReplayJournal()
    {
        if (_journal.Length > 0)
        {
            // A journal beside a new database has lost the database it belonged to, and its records with it.
            if (_connection.Scalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'step_events'") > 0)
                CommitJournalEntriesMissingFromDatabase();
            _journal.Clear();
        }
        _journalReplayed = true;
    }

    private void CommitJournalEntriesMissingFromDatabase()
    {
        var committed = _connection.Scalar<long>("SELECT coalesce(max(seq), 0) FROM step_events");
        var missing = new PendingRows();
        foreach (var (sequence, rows) in _journal.ReadEntries())
            if (sequence > committed) missing.Add(rows);
        if (missing.IsEmpty) return;
        // An artifact row may exist already when another step (or run) produced the same bytes since.
        missing.Artifacts.RemoveAll(row =>
            _connection.Scalar<long>("SELECT count(*) FROM artifacts WHERE sha256 = ?", row[0]) > 0);
        // An entry written before a migration added columns to step_events (the node) has NULL for them.
        var width = (int)_connection.Scalar<long>("SELECT count(*) FROM information_schema.columns WHERE table_name = 'step_events'");
        for (var i = 0; i < missing.StepEvents.Count; i++)
            if (missing.StepEvents[i].Length < width) missing.StepEvents[i] = [.. missing.StepEvents[i], .. new object?[width - missing.StepEvents[i].Length]];
        using var transaction = _connection.BeginTransaction();
        Append("step_events", missing.StepEvents);
        Append("artifacts", missing.Artifacts.DistinctBy(row => (string)row[0]!).ToList());
        Append("step_outputs", missing.StepOutputs);
        Append("lineage", missing.Lineage);
        Append("events", missing.Events);
        Append("artifact_references", missing.References);
        transaction.Commit();
    }

    /// <summary>Learns the stored cache keys, artifacts and last sequence numbers; once, after migrating.</summary>
    public void LoadKnownRows()
    {
        _knownCacheKeys.UnionWith(_connection.Rows(
            "SELECT DISTINCT cache_key FROM step_runs WHERE cache_key IS NOT NULL AND status IN ('succeeded', 'cached')", row => row.Text("cache_key")));
        _knownArtifacts.UnionWith(_connection.Rows("SELECT sha256 FROM artifacts", row => row.Text("sha256")));
        _nextSequence = _connection.Scalar<long>("SELECT coalesce(max(seq), 0) + 1 FROM step_events");
        _nextEventSequence = _connection.Scalar<long>("SELECT coalesce(max(seq), 0) + 1 FROM events");
    }

    /// <summary>
    /// The sequence of an event written outside the queue, beside another row (a run's, the registry's). Numbers are
    /// handed out in publication order, queued or not; a queued event may reach the database after one numbered later,
    /// but never unseen by a reader: every read of the store commits the queue first.
    /// </summary>
    public long TakeEventSequence(System.Data.Common.DbConnection connection)
    {
        lock (_queueGate) return _nextEventSequence++;
    }

    /// <summary>
    /// Queues a step event; returns its sequence number. A final event is journaled before this returns. A step's
    /// running event is not: losing it to a crash means the step had not started, which is what resume assumes anyway.
    /// </summary>
    public long UpsertStepRun(StepRunRecord step)
    {
        lock (_queueGate)
        {
            ThrowIfCommitFailed();
            return Enqueue(step, new PendingRows());
        }
    }

    /// <summary>Whether the database holds every step event up to <paramref name="sequence"/>, not only the journal.</summary>
    public bool IsCommitted(long sequence) => Interlocked.Read(ref _committedSequence) >= sequence;

    /// <summary>
    /// Records a finished step in the next batch: its row, the artifacts it produced (first producer wins),
    /// which output each artifact is, and lineage edges from every input artifact to every output the step
    /// made itself (<paramref name="madeHere"/>; all outputs when null). An output that merely passes on an
    /// existing artifact, such as a promoted model, gets no new edges. The events the step published go in the same
    /// entry of the journal and the same commit as its row, so the store never holds one without the other; so do the
    /// <paramref name="references"/> it declared, and a row for each referenced file it made itself.
    /// </summary>
    public long CompleteStepRun(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events)
    {
        lock (_queueGate)
        {
            ThrowIfCommitFailed();
            var now = DateTime.UtcNow;
            var entry = new PendingRows();
            var newArtifacts = new List<string>();
            foreach (var source in inputs.Where(a => a.Kind == "source"))
                QueueArtifact(entry, newArtifacts, source, isSource: true, null, null, now);
            foreach (var (output, artifact) in outputs)
            {
                QueueArtifact(entry, newArtifacts, artifact, isSource: false, step.RunId, step.StepId, now);
                entry.StepOutputs.Add([step.RunId, step.StepId, output, artifact.Sha256]);
                if (step.Status == StepStatus.Cached || (madeHere is not null && !madeHere.Contains(artifact))) continue;
                foreach (var parent in inputs.Where(i => i.Sha256 != artifact.Sha256).DistinctBy(i => i.Sha256))
                    entry.Lineage.Add([parent.Sha256, artifact.Sha256, step.RunId, step.StepId]);
            }
            foreach (var reference in references)
            {
                if (madeHere is not null && madeHere.Contains(reference.Referenced))
                    QueueArtifact(entry, newArtifacts, reference.Referenced, isSource: false, step.RunId, step.StepId, now);
                entry.References.Add([reference.Artifact.Sha256, reference.Referenced.Sha256, step.RunId, step.StepId]);
            }
            var firstEventSequence = _nextEventSequence;
            foreach (var draft in events)
                entry.Events.Add(EventRows.Values(EventRows.Stamp(firstEventSequence + entry.Events.Count, draft)));
            long sequence;
            try
            {
                sequence = Enqueue(step, entry);
            }
            catch
            {
                // Not journaled, so not queued: a later record of the same artifact must carry its row.
                foreach (var sha in newArtifacts) _knownArtifacts.Remove(sha);
                throw;
            }
            _nextEventSequence += entry.Events.Count;
            if (step.CacheKey is not null && step.Status is StepStatus.Succeeded or StepStatus.Cached) _knownCacheKeys.Add(step.CacheKey);
            return sequence;
        }
    }

    /// <summary>Whether the store holds a row for this artifact (or one is queued).</summary>
    public bool IsKnownArtifact(string sha256)
    {
        lock (_queueGate) return _knownArtifacts.Contains(sha256);
    }

    /// <summary>Whether a successful step with this cache key is stored or queued; most keys of a changed pipeline are not.</summary>
    public bool IsKnownCacheKey(string cacheKey)
    {
        lock (_queueGate) return _knownCacheKeys.Contains(cacheKey);
    }

    private void QueueArtifact(PendingRows entry, List<string> newArtifacts, Artifact artifact, bool isSource, string? runId, string? stepId, DateTime now)
    {
        if (!_knownArtifacts.Add(artifact.Sha256)) return;
        newArtifacts.Add(artifact.Sha256);
        entry.Artifacts.Add([artifact.Sha256, artifact.Kind, artifact.Format, artifact.Bytes, artifact.StorePath, isSource, now, runId, stepId]);
    }

    /// <summary>
    /// Adds the step event to <paramref name="entry"/>, journals the entry and queues its rows for the next
    /// commit; the caller holds <see cref="_queueGate"/>. A journal write that fails queues nothing.
    /// </summary>
    private long Enqueue(StepRunRecord s, PendingRows entry)
    {
        var sequence = _nextSequence;
        entry.StepEvents.Add(
        [
            sequence, s.RunId, s.StepId, s.StepType, s.StepVersion, StatusText.Of(s.Status), s.CacheKey, s.CachedFromRun, s.Attempts,
            s.StartedAt, s.FinishedAt, s.DurationMs, s.InputsJson, s.OutputsJson, s.Message, s.Node, s.Attempt,
        ]);
        if (s.Status != StepStatus.Running) _journal.Append(sequence, entry);
        _nextSequence++;
        _pending.Add(entry);
        if (_oldestQueued == 0)
        {
            _oldestQueued = Stopwatch.GetTimestamp();
            ArmCommitter(_commitInterval);
        }
        return sequence;
    }

    /// <summary>Runs <paramref name="work"/> on the connection, alone, after everything queued is committed.</summary>
    public T AfterQueued<T>(Func<T> work)
    {
        lock (_gate)
        {
            ThrowIfCommitFailed();
            CommitPendingUnlocked();
            return work();
        }
    }

    /// <summary>
    /// The timer's commit, due the commit interval after the oldest queued row. A commit that a dependent step
    /// forced in between has usually taken those rows already; then the timer waits for the rows queued since,
    /// rather than paying a commit (and its fsync) on a fixed beat.
    /// </summary>
    private void CommitDue()
    {
        lock (_gate)
        {
            if (_disposed) return;
            lock (_queueGate)
            {
                _committerArmed = false;
                if (_oldestQueued == 0) return;
                var remaining = _commitInterval - Stopwatch.GetElapsedTime(_oldestQueued);
                if (remaining > TimeSpan.Zero)
                {
                    ArmCommitter(remaining);
                    return;
                }
            }
            if (_commitFailure is not null) return;
            try
            {
                CommitPendingUnlocked();
            }
            catch (Exception e)
            {
                // Raised on the timer thread: keep it for the next caller instead of losing it.
                Volatile.Write(ref _commitFailure, e);
            }
        }
    }

    /// <summary>Appends the queued rows in one transaction; the caller holds <see cref="_gate"/>.</summary>
    private void CommitPendingUnlocked()
    {
        PendingRows batch;
        lock (_queueGate)
        {
            if (_pending.IsEmpty) return;
            batch = _pending.TakeAll();
            _oldestQueued = 0;
        }
        DropSupersededRunningEvents(batch.StepEvents);
        using (var transaction = _connection.BeginTransaction())
        {
            Append("step_events", batch.StepEvents);
            Append("artifacts", batch.Artifacts);
            Append("step_outputs", batch.StepOutputs);
            Append("lineage", batch.Lineage);
            Append("events", batch.Events);
            Append("artifact_references", batch.References);
            transaction.Commit();
        }
        if (batch.StepEvents.Count > 0)
            Interlocked.Exchange(ref _committedSequence, batch.StepEvents.Max(row => (long)row[0]!));
        lock (_queueGate)
        {
            // Nothing queued means every journaled entry is in the database; the journal can start again.
            if (_pending.IsEmpty && _journal.Length >= JournalClearBytes) _journal.Clear();
        }
    }

    /// <summary>
    /// A step that started and finished within one batch needs only its final event: the final row carries when it
    /// started, and the step_runs view shows the latest event anyway. Halves the rows a run of short steps commits.
    /// </summary>
    private static void DropSupersededRunningEvents(List<object?[]> events)
    {
        const int RunId = 1, StepId = 2, Status = 5;
        var later = new HashSet<(string, string)>();
        var superseded = new HashSet<object?[]>(ReferenceEqualityComparer.Instance);
        for (var i = events.Count - 1; i >= 0; i--)
        {
            var key = ((string)events[i][RunId]!, (string)events[i][StepId]!);
            if (!later.Add(key) && (string)events[i][Status]! == Running) superseded.Add(events[i]);
        }
        if (superseded.Count > 0) events.RemoveAll(superseded.Contains);
    }

    /// <summary>
    /// Appends rows, in the table's column order, through a <see cref="ChunkAppender"/> that lives for this one batch:
    /// closing it puts the rows into the open transaction, and an appender that saw a failure is discarded unclosed.
    /// </summary>
    private void Append(string table, List<object?[]> rows)
    {
        if (rows.Count == 0) return;
        var appender = new ChunkAppender(_connection, table);
        try
        {
            foreach (var values in rows)
            {
                foreach (var value in values) appender.AddValue(value);
                appender.EndRow();
            }
            appender.Dispose();
        }
        catch
        {
            // Its rows belonged to the batch that is failing and being reported; closing it would only repeat the error.
            appender.Discard();
            throw;
        }
    }

    /// <summary>Schedules the timer's next commit unless one is already scheduled; the caller holds <see cref="_queueGate"/>.</summary>
    private void ArmCommitter(TimeSpan delay)
    {
        if (_committerArmed) return;
        _committerArmed = true;
        _committer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void ThrowIfCommitFailed()
    {
        if (Volatile.Read(ref _commitFailure) is { } failure)
            throw new InvalidOperationException($"writing step records to {_databasePath} failed: {failure.Message}", failure);
    }

    /// <summary>
    /// Commits what is queued and closes the journal. Rows that did not reach the database, this process's or a
    /// failed replay's, stay in the journal for whoever opens the store next; a failure to commit is thrown.
    /// </summary>
    public void Dispose()
    {
        _committer.Dispose();
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Exception? failure = null;
            if (_commitFailure is null)
            {
                try
                {
                    CommitPendingUnlocked();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }
            lock (_queueGate)
            {
                if (failure is null && _commitFailure is null && _journalReplayed) _journal.Clear();
                _journal.Dispose();
            }
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        }
    }
}
