using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Pipelines.Abstractions;
using Pipelines.DuckDb;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The durable record of runs, step runs, artifacts and lineage, in one DuckDB file. DuckDB lets one process
/// write a file at a time; a second process waits for the lock up to a configurable time and then gets a clear
/// <see cref="StoreLockedException"/> — never a half-written store. Within a process, access is serialised.
/// </summary>
/// <remarks>
/// Step records are written with group commit: rows queue up and are appended together, through DuckDB's
/// appender, in one transaction at most <see cref="CommitInterval"/> later or at once before any read or other
/// write, so a commit (and its fsync) is paid per batch rather than per step, and never on the path from a step
/// to its dependents. Each record is also written to the <see cref="StepJournal"/> as it is queued, before the
/// runner can start anything that depends on it; a killed process therefore loses no finished step: whoever
/// opens the store next commits what the journal holds beyond the database. Everything that writes around the
/// queue (runs, the registry, the decision writers' own connections) commits the queue first, so the database
/// never holds an effect of a step whose own record it lacks.
/// </remarks>
public sealed class PipelineStore : IDisposable
{
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The journal is emptied after a commit that leaves nothing queued, once it has grown past this.</summary>
    private const long JournalClearBytes = 1 << 20;

    private readonly DuckDbDatabase _database;
    private readonly DuckDbConnection _connection;
    private readonly Lock _gate = new();        // guards the connection and everything read through it
    private readonly Lock _queueGate = new();   // guards only the queue, so queuing never waits for a commit's fsync
    private readonly Dictionary<string, DuckDbPreparedStatement> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DuckDbAppender> _appenders = new(StringComparer.Ordinal);
    private readonly PendingRows _pending = new();
    private readonly HashSet<string> _knownCacheKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownArtifacts = new(StringComparer.Ordinal);
    private readonly StepJournal _journal;       // guarded by _queueGate
    private bool _journalReplayed;               // whatever an earlier process left in the journal is in the database
    private readonly TimeSpan _commitInterval;
    private long _nextSequence;
    private long _committedSequence;
    private readonly Timer _committer;
    private long _oldestQueued;   // Stopwatch timestamp of the oldest queued row, 0 when none; guarded by _queueGate
    private bool _committerArmed; // guarded by _queueGate
    private bool _disposed;       // guarded by _gate
    private Exception? _commitFailure;

    public StoreLayout Layout { get; }
    public ArtifactStore Artifacts { get; }

    private PipelineStore(StoreLayout layout, DuckDbDatabase database, TimeSpan commitInterval)
    {
        Layout = layout;
        Artifacts = new ArtifactStore(layout);
        _database = database;
        _commitInterval = commitInterval;
        _connection = database.Connect();
        try
        {
            _journal = StepJournal.Open(layout.JournalPath);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
        _committer = new Timer(_ => CommitDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// One DuckDB thread: the store's statements are bookkeeping appends and point queries (steps do their heavy SQL
    /// in scratch databases of their own), and a second worker would only compete for a core with the steps — and
    /// with the tick loop's hot thread, whose p99.9 it doubled while the writer committed row groups.
    /// </summary>
    private static readonly Dictionary<string, string> StoreSettings = new() { ["threads"] = "1" };

    /// <summary>Opens (creating and migrating if needed) the store, waiting up to <paramref name="lockTimeout"/> for another writer.</summary>
    public static PipelineStore Open(string root, TimeSpan lockTimeout) => Open(root, lockTimeout, CommitInterval);

    /// <summary>As <see cref="Open(string, TimeSpan)"/>, with another group-commit interval (tests use an infinite one).</summary>
    internal static PipelineStore Open(string root, TimeSpan lockTimeout, TimeSpan commitInterval)
    {
        var layout = new StoreLayout(root);
        layout.EnsureDirectories();
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var database = DuckDbDatabase.Open(layout.DatabasePath, StoreSettings);
                PipelineStore store;
                try
                {
                    store = new PipelineStore(layout, database, commitInterval);
                }
                catch
                {
                    database.Dispose();
                    throw;
                }
                try
                {
                    // The journal's rows have the shape of the schema that wrote them: replay before migrating.
                    store.ReplayJournal();
                    store.Migrate();
                    store.LoadCacheKeys();
                    store.MarkAbandonedRunsInterrupted();
                    return store;
                }
                catch
                {
                    store.Dispose();
                    throw;
                }
            }
            catch (DuckDbException e) when (IsLockConflict(e))
            {
                if (stopwatch.Elapsed >= lockTimeout)
                    throw new StoreLockedException(
                        $"the store {layout.DatabasePath} is in use by another pipelines process (waited {lockTimeout.TotalSeconds:0.#}s): {e.Message}", e);
                Thread.Sleep(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static bool IsLockConflict(DuckDbException e) =>
        e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase);

    public int SchemaVersion => Locked(() => (int)_connection.Scalar<long>("SELECT coalesce(max(version), 0) FROM schema_migrations"));

    private void Migrate()
    {
        _connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
        var current = (int)_connection.Scalar<long>("SELECT coalesce(max(version), 0) FROM schema_migrations");
        foreach (var migration in StoreMigrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            using var transaction = _connection.BeginTransaction();
            _connection.Execute(migration.Sql);
            _connection.ExecuteNonQuery("INSERT INTO schema_migrations VALUES (?, ?, ?)", migration.Version, migration.Description, DateTime.UtcNow);
            transaction.Commit();
        }
    }

    /// <summary>
    /// Commits the step records a previous process journaled but did not live to commit. Only this process can
    /// hold the store open for writing, so the journal is nobody else's; entries up to the last committed sequence
    /// number are already in the database, because a commit takes everything queued before it.
    /// </summary>
    private void ReplayJournal()
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
        using var transaction = _connection.BeginTransaction();
        Append("step_events", missing.StepEvents);
        Append("artifacts", missing.Artifacts.DistinctBy(row => (string)row[0]!).ToList());
        Append("step_outputs", missing.StepOutputs);
        Append("lineage", missing.Lineage);
        transaction.Commit();
    }

    private void LoadCacheKeys()
    {
        using (var keys = _connection.Query("SELECT DISTINCT cache_key FROM step_runs WHERE cache_key IS NOT NULL AND status IN ('succeeded', 'cached')"))
            foreach (var row in keys.ReadAllRows()) _knownCacheKeys.Add((string)row[0]!);
        using (var artifacts = _connection.Query("SELECT sha256 FROM artifacts"))
            foreach (var row in artifacts.ReadAllRows()) _knownArtifacts.Add((string)row[0]!);
        _nextSequence = _connection.Scalar<long>("SELECT coalesce(max(seq), 0) + 1 FROM step_events");
    }

    /// <summary>
    /// A run still marked running when a process opens the store belongs to a process that ended without finishing
    /// it: opening takes the store's lock, so no other writer is alive. It is marked interrupted (which
    /// <c>resume</c> continues) so nobody waits on it; its steps keep exactly what they recorded. Runs of this very
    /// process are left alone, should it open the store a second time.
    /// </summary>
    private void MarkAbandonedRunsInterrupted() => _connection.ExecuteNonQuery(
        "UPDATE runs SET status = ?, error = 'the process running it (' || coalesce(host, '?') || ', pid ' || coalesce(CAST(pid AS VARCHAR), '?') || ') ended without finishing it' " +
        "WHERE status = ? AND NOT (coalesce(pid, -1) = ? AND coalesce(host, '') = ?)",
        StatusText.Of(RunStatus.Interrupted), StatusText.Of(RunStatus.Running), Environment.ProcessId, Environment.MachineName);

    public void InsertRun(RunRecord run) => Locked(() => Execute(
        "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        run.RunId, run.Pipeline, run.PipelineFile, run.PipelineSha256, run.PipelineText, run.ParamsJson, run.GitCommit, run.GitDirty,
        StatusText.Of(run.Status), run.StartedAt, run.FinishedAt, run.Host, run.Pid, run.Forced, run.Resumes, run.Error));

    public void FinishRun(string runId, RunStatus status, string? error) => Locked(() => Execute(
        "UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE run_id = ?", StatusText.Of(status), DateTime.UtcNow, error, runId));

    /// <summary>Marks a run as running again for <c>resume</c>, by this process.</summary>
    public void ReopenRun(string runId) => Locked(() => Execute(
        "UPDATE runs SET status = 'running', finished_at = NULL, error = NULL, resumes = resumes + 1, pid = ?, host = ? WHERE run_id = ?",
        Environment.ProcessId, Environment.MachineName, runId));

    public RunRecord? FindRun(string runIdOrPrefix) => Locked(() =>
    {
        using var result = _connection.Query("SELECT * FROM runs WHERE run_id = ? OR starts_with(run_id, ?) ORDER BY started_at DESC LIMIT 2", runIdOrPrefix, runIdOrPrefix);
        var rows = result.ReadAllRows();
        if (rows.Count > 1 && (string)rows[0][0]! != runIdOrPrefix)
            throw new ArgumentException($"run id prefix '{runIdOrPrefix}' matches more than one run; give more characters");
        return rows.Count == 0 ? null : ReadRun(rows[0]);
    });

    public IReadOnlyList<RunRecord> ListRuns(int limit, string? pipeline = null) => Locked(() =>
    {
        using var result = pipeline is null
            ? _connection.Query("SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", limit)
            : _connection.Query("SELECT * FROM runs WHERE pipeline = ? ORDER BY started_at DESC LIMIT ?", pipeline, limit);
        return result.ReadAllRows().Select(ReadRun).ToList();
    });

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
    /// existing artifact, such as a promoted model, gets no new edges.
    /// </summary>
    public long CompleteStepRun(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere = null)
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
            if (step.CacheKey is not null && step.Status is StepStatus.Succeeded or StepStatus.Cached) _knownCacheKeys.Add(step.CacheKey);
            return sequence;
        }
    }

    /// <summary>Whether the store holds a row for this artifact (or one is queued).</summary>
    public bool IsKnownArtifact(string sha256)
    {
        lock (_queueGate) return _knownArtifacts.Contains(sha256);
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
            s.StartedAt, s.FinishedAt, s.DurationMs, s.InputsJson, s.OutputsJson, s.Message,
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

    public IReadOnlyList<StepRunRecord> StepRuns(string runId) => Locked(() =>
    {
        using var result = _connection.Query("SELECT * FROM step_runs WHERE run_id = ? ORDER BY started_at NULLS LAST, step_id", runId);
        return result.ReadAllRows().Select(ReadStepRun).ToList();
    });

    /// <summary>The newest successful step run with this cache key whose output artifacts are all still present.</summary>
    public StepRunRecord? FindCached(string cacheKey)
    {
        // Most keys of a changed pipeline are new; the in-memory set answers those without a query (or a commit).
        lock (_queueGate)
            if (!_knownCacheKeys.Contains(cacheKey)) return null;
        return Locked(() => FindCachedUnlocked(cacheKey));
    }

    private StepRunRecord? FindCachedUnlocked(string cacheKey)
    {
        using var result = _connection.Query(
            "SELECT * FROM step_runs WHERE cache_key = ? AND status IN ('succeeded', 'cached') ORDER BY finished_at DESC LIMIT 5", cacheKey);
        foreach (var row in result.ReadAllRows())
        {
            var candidate = ReadStepRun(row);
            var outputs = OutputArtifactsUnlocked(candidate.RunId, candidate.StepId);
            if (outputs.All(o => Artifacts.IsPresent(o.Artifact))) return candidate;
        }
        return null;
    }

    public IReadOnlyList<(string Output, Artifact Artifact)> OutputArtifacts(string runId, string stepId) =>
        Locked(() => OutputArtifactsUnlocked(runId, stepId));

    private List<(string Output, Artifact Artifact)> OutputArtifactsUnlocked(string runId, string stepId)
    {
        using var result = _connection.Query(
            "SELECT o.output, a.sha256, a.kind, a.format, a.bytes, a.store_path FROM step_outputs o JOIN artifacts a USING (sha256) WHERE o.run_id = ? AND o.step_id = ? ORDER BY o.output",
            runId, stepId);
        return result.ReadAllRows().Select(r => ((string)r[0]!, ReadArtifact(r, 1))).ToList();
    }

    public Artifact? FindArtifact(string sha256) =>
        FindArtifacts(sha256).Select(r => r.Artifact).FirstOrDefault(a => a.Sha256 == sha256);

    public IReadOnlyList<ArtifactRecord> FindArtifacts(string shaPrefix) => Locked(() =>
    {
        using var result = _connection.Query(
            "SELECT sha256, kind, format, bytes, store_path, is_source, created_at, produced_by_run, produced_by_step FROM artifacts WHERE starts_with(sha256, ?) ORDER BY created_at",
            shaPrefix.ToLowerInvariant());
        return result.ReadAllRows().Select(r => new ArtifactRecord(ReadArtifact(r, 0), (bool)r[5]!, (DateTime)r[6]!, (string?)r[7], (string?)r[8])).ToList();
    });

    /// <summary>Every edge reachable upstream (what it was made from) or downstream (what was made from it).</summary>
    public IReadOnlyList<LineageEdge> Lineage(string sha256, bool upstream) => Locked(() =>
    {
        var (from, to) = upstream ? ("child_sha256", "parent_sha256") : ("parent_sha256", "child_sha256");
        using var result = _connection.Query($"""
            WITH RECURSIVE walk(parent_sha256, child_sha256, run_id, step_id, depth) AS (
                SELECT parent_sha256, child_sha256, run_id, step_id, 1 FROM lineage WHERE {from} = ?
                UNION
                SELECT l.parent_sha256, l.child_sha256, l.run_id, l.step_id, w.depth + 1
                FROM lineage l JOIN walk w ON l.{from} = w.{to}
                WHERE w.depth < 100
            )
            SELECT parent_sha256, child_sha256, run_id, step_id, min(depth) FROM walk
            GROUP BY ALL ORDER BY min(depth), parent_sha256, child_sha256
            """, sha256);
        return result.ReadAllRows().Select(r => new LineageEdge((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, Convert.ToInt32(r[4]))).ToList();
    });

    /// <summary>Runs <paramref name="work"/> in one transaction on the store's connection, after queued step records.</summary>
    internal T InTransaction<T>(Func<DuckDbConnection, T> work) => Locked(() =>
    {
        using var transaction = _connection.BeginTransaction();
        var result = work(_connection);
        transaction.Commit();
        return result;
    });

    /// <summary>
    /// A connection of its own to the store's database, for a writer that streams rows from another thread without
    /// waiting on the store's gate. The caller disposes it before the store.
    /// </summary>
    internal DuckDbConnection OpenSideConnection()
    {
        // Its commits do not wait for the queue, so the queue goes first: no streamed row outlives, in the
        // database, the record of a step it depends on.
        Flush();
        return _database.Connect();
    }

    /// <summary>Runs a read on the store's connection, after queued step records.</summary>
    internal T Read<T>(Func<DuckDbConnection, T> work) => Locked(() => work(_connection));

    public IReadOnlyList<DriftEventRecord> DriftEvents(string? model, int limit) => Locked(() =>
    {
        using var result = model is null
            ? _connection.Query("SELECT * FROM drift_events ORDER BY detected_at DESC LIMIT ?", limit)
            : _connection.Query("SELECT * FROM drift_events WHERE model = ? ORDER BY detected_at DESC LIMIT ?", model, limit);
        return result.ReadAllRows().Select(r => new DriftEventRecord((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (string)r[4]!,
            r[5] is null ? null : Convert.ToDouble(r[5]), (string)r[6]!, (string?)r[7], (DateTime)r[8]!)).ToList();
    });

    /// <summary>Counts for health checks and tests: rows per table.</summary>
    public long Count(string table) => Locked(() => _connection.Scalar<long>($"SELECT count(*) FROM {table}"));

    /// <summary>Every artifact row, for consistency checks (each row has its file; no file under two rows).</summary>
    public IReadOnlyList<Artifact> AllArtifacts() => Locked(() =>
    {
        using var result = _connection.Query("SELECT sha256, kind, format, bytes, store_path FROM artifacts ORDER BY sha256");
        return result.ReadAllRows().Select(r => ReadArtifact(r, 0)).ToList();
    });

    private static Artifact ReadArtifact(object?[] row, int offset) =>
        new((string)row[offset]!, (string)row[offset + 1]!, (string)row[offset + 2]!, Convert.ToInt64(row[offset + 3]), (string)row[offset + 4]!);

    private static RunRecord ReadRun(object?[] r) => new(
        (string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (string)r[4]!, (string)r[5]!, (string?)r[6], (bool?)r[7],
        StatusText.ParseRun((string)r[8]!), (DateTime)r[9]!, (DateTime?)r[10], (string?)r[11], r[12] is null ? null : Convert.ToInt32(r[12]),
        (bool)r[13]!, Convert.ToInt32(r[14]), (string?)r[15]);

    private static StepRunRecord ReadStepRun(object?[] r) => new(
        (string)r[0]!, (string)r[1]!, (string)r[2]!, Convert.ToInt32(r[3]), StatusText.ParseStep((string)r[4]!), (string?)r[5], (string?)r[6],
        Convert.ToInt32(r[7]), (DateTime?)r[8], (DateTime?)r[9], r[10] is null ? null : Convert.ToDouble(r[10]), (string?)r[11], (string?)r[12], (string?)r[13]);

    /// <summary>Commits every queued write now; called before reads, at the end of a run and on dispose.</summary>
    public void Flush() => Locked(() => { });

    /// <summary>
    /// The timer's commit, due <see cref="CommitInterval"/> after the oldest queued row. A commit that a
    /// dependent step forced in between has usually taken those rows already; then the timer waits for the
    /// rows queued since, rather than paying a commit (and its fsync) on a fixed beat.
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
        try
        {
            using var transaction = _connection.BeginTransaction();
            Append("step_events", batch.StepEvents);
            Append("artifacts", batch.Artifacts);
            Append("step_outputs", batch.StepOutputs);
            Append("lineage", batch.Lineage);
            transaction.Commit();
        }
        catch
        {
            // An appender that saw a failed flush is not trusted again; the next batch opens fresh ones.
            CloseAppenders();
            throw;
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

    private static readonly string Running = StatusText.Of(StepStatus.Running);

    /// <summary>
    /// Appends rows through the table's appender, kept open across batches: creating one per table per commit
    /// cost more than the few rows a commit usually carries. The flush puts the rows into the open transaction.
    /// </summary>
    private void Append(string table, List<object?[]> rows)
    {
        if (rows.Count == 0) return;
        if (!_appenders.TryGetValue(table, out var appender))
            _appenders[table] = appender = _connection.CreateAppender(table);
        foreach (var row in rows)
        {
            foreach (var value in row) appender.AppendValue(value);
            appender.EndRow();
        }
        appender.Flush();
    }

    private void CloseAppenders()
    {
        foreach (var appender in _appenders.Values)
        {
            try
            {
                appender.Dispose();
            }
            catch (DuckDbException)
            {
                // Its rows belonged to the batch that already failed and was reported.
            }
        }
        _appenders.Clear();
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
            throw new InvalidOperationException($"writing step records to {Layout.DatabasePath} failed: {failure.Message}", failure);
    }

    /// <summary>Runs a statement through a cached prepared statement: parsing and planning are paid once per SQL text.</summary>
    private long Execute(string sql, params object?[] args)
    {
        if (!_statements.TryGetValue(sql, out var statement))
            _statements[sql] = statement = _connection.Prepare(sql);
        statement.ClearBindings();
        statement.BindAll(args);
        return statement.ExecuteNonQuery();
    }

    private T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            ThrowIfCommitFailed();
            CommitPendingUnlocked();
            return action();
        }
    }

    private void Locked(Action action)
    {
        lock (_gate)
        {
            ThrowIfCommitFailed();
            CommitPendingUnlocked();
            action();
        }
    }

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
                // Rows that did not reach the database, this process's or a failed replay's, stay in the journal for
                // whoever opens the store next.
                if (failure is null && _commitFailure is null && _journalReplayed) _journal.Clear();
                _journal.Dispose();
            }
            CloseAppenders();
            foreach (var statement in _statements.Values) statement.Dispose();
            _statements.Clear();
            _connection.Dispose();
            _database.Dispose();
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        }
    }
}
