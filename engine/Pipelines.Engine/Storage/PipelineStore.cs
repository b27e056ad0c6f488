using System.Data.Common;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The durable record of runs, step runs, artifacts and lineage: in one DuckDB file (the default), or in a PostgreSQL
/// database that several processes share. DuckDB lets one process write a file at a time; a second process waits for
/// the lock up to a configurable time and then gets a clear <see cref="StoreLockedException"/> — never a half-written
/// store. Within a process, access is serialised.
/// </summary>
/// <remarks>
/// Three parts: <see cref="StoreDatabase"/> opens, locks and migrates the database; <see cref="IStepRecords"/> carries
/// step records into it (DuckDB: <see cref="GroupCommit"/>, through the journal in batches; PostgreSQL:
/// <see cref="DirectCommit"/>, one transaction per record); this class answers the queries, each after the handed-over
/// records are in, and maps every row by column name. The SQL is written once for both databases
/// (<see cref="StoreDialect"/>).
/// </remarks>
public sealed class PipelineStore : IDisposable
{
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The first wait before reconnecting to a PostgreSQL server that went away; it doubles on each attempt.</summary>
    public static readonly TimeSpan ReconnectBackoff = TimeSpan.FromMilliseconds(200);

    private readonly DbConnection _connection;
    private readonly IStepRecords _commits;
    private int _disposed;

    public StoreLayout Layout { get; }
    public ArtifactStore Artifacts { get; }

    /// <summary>Which database the store is in: what messages may say about it (never a password).</summary>
    public StoreLocation Location { get; }

    /// <summary>The process that writes through this store, as step records name it: host:pid.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    internal StoreDialect Dialect { get; }

    /// <summary>
    /// The first wait before reconnecting to PostgreSQL: <see cref="ReconnectBackoff"/>, or what the store was opened with.
    /// Writers on connections of their own (<see cref="PostgresExplanationWriter"/>) wait the same.
    /// </summary>
    internal TimeSpan FirstReconnectWait { get; private init; } = ReconnectBackoff;

    private PipelineStore(StoreLocation location, StoreLayout layout, DbConnection connection, IStepRecords commits)
    {
        Location = location;
        Layout = layout;
        Artifacts = new ArtifactStore(layout);
        _connection = connection;
        _commits = commits;
        Dialect = StoreDialect.Of(connection);
    }

    /// <summary>Opens (creating and migrating if needed) the store, waiting up to <paramref name="lockTimeout"/> for another writer.</summary>
    public static PipelineStore Open(string root, TimeSpan lockTimeout) => Open(root, lockTimeout, CommitInterval);

    /// <summary>
    /// Opens the store <paramref name="location"/> names. DuckDB waits up to <paramref name="lockTimeout"/> for another
    /// writer; PostgreSQL is shared and waits for nobody, but refuses to open (<see cref="StoreUnavailableException"/>)
    /// when the server cannot be reached, refuses the credentials, or holds a schema newer than this program.
    /// </summary>
    public static PipelineStore Open(StoreLocation location, TimeSpan lockTimeout) => location.Kind switch
    {
        Settings.StoreKind.Postgres => OpenPostgres(location, ReconnectBackoff),
        _ => Open(location.Root, lockTimeout, CommitInterval),
    };

    /// <summary>As <see cref="Open(StoreLocation, TimeSpan)"/> for PostgreSQL, with another first reconnection wait (tests use short ones).</summary>
    internal static PipelineStore OpenPostgres(StoreLocation location, TimeSpan reconnectBackoff)
    {
        var connectionString = location.ConnectionString
            ?? throw new StoreUnavailableException("store.kind is postgres but no connection string was given (store.connection_env)");
        var layout = location.Layout;
        var connection = PostgresConnections.Open(connectionString);
        var commits = new DirectCommit(connection, PostgresConnections.Describe(connectionString), reconnectBackoff);
        var store = new PipelineStore(location, layout, connection, commits) { FirstReconnectWait = reconnectBackoff };
        try
        {
            commits.AfterQueued(() =>
            {
                StoreDatabase.Migrate(connection, location.ToString());
                return 0;
            });
            layout.EnsureDirectories();
            store.MarkAbandonedRunsInterrupted();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="Open(string, TimeSpan)"/>, with another group-commit interval (tests use an infinite one).</summary>
    internal static PipelineStore Open(string root, TimeSpan lockTimeout, TimeSpan commitInterval)
    {
        var location = StoreLocation.DuckDb(root);
        var layout = location.Layout;
        layout.EnsureDirectories();
        var connection = StoreDatabase.OpenWriter(layout, lockTimeout);
        GroupCommit commits;
        try
        {
            commits = new GroupCommit(connection, layout, commitInterval);
        }
        catch
        {
            StoreDatabase.Release(layout, connection);
            throw;
        }
        var store = new PipelineStore(location, layout, connection, commits);
        try
        {
            // The journal's rows have the shape of the schema that wrote them: replay before migrating.
            commits.ReplayJournal();
            StoreDatabase.Migrate(connection, layout.DatabasePath);
            commits.LoadKnownRows();
            store.MarkAbandonedRunsInterrupted();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public int SchemaVersion => _commits.AfterQueued(() => StoreDatabase.SchemaVersion(_connection));

    /// <summary>
    /// A run still marked running when a process opens the store belongs to a process that ended without finishing
    /// it. DuckDB: opening takes the store's lock, so no other writer is alive. PostgreSQL: other processes share the
    /// store, so only runs of this host whose process no longer exists are taken as abandoned. Such a run is marked
    /// interrupted (which <c>resume</c> continues) so nobody waits on it; its steps keep exactly what they recorded. Runs
    /// of this very process are left alone, should it open the store a second time.
    /// </summary>
    private void MarkAbandonedRunsInterrupted()
    {
        const string Interrupt =
            "UPDATE runs SET status = ?, error = 'the process running it (' || coalesce(host, '?') || ', pid ' || coalesce(CAST(pid AS VARCHAR), '?') || ') ended without finishing it' ";
        if (!Dialect.IsPostgres)
        {
            _connection.Execute(Interrupt + "WHERE status = ? AND NOT (coalesce(pid, -1) = ? AND coalesce(host, '') = ?)",
                StatusText.Of(RunStatus.Interrupted), StatusText.Of(RunStatus.Running), Environment.ProcessId, Environment.MachineName);
            return;
        }
        _commits.AfterQueued(() =>
        {
            var running = _connection.Rows("SELECT run_id, pid FROM runs WHERE status = ? AND host = ? AND pid IS NOT NULL AND pid <> ?",
                row => (RunId: row.Text("run_id"), Pid: (int)row.Integer("pid")), StatusText.Of(RunStatus.Running), Environment.MachineName, Environment.ProcessId);
            foreach (var (runId, pid) in running.Where(r => !ProcessExists(r.Pid)))
                _connection.Execute(Interrupt + "WHERE run_id = ? AND status = ?", StatusText.Of(RunStatus.Interrupted), runId, StatusText.Of(RunStatus.Running));
            return 0;
        });
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Records a new run and, in the same transaction, the event announcing it (when given).</summary>
    public void InsertRun(RunRecord run, EventDraft? started = null) => WithEvent(started, connection => connection.Execute(
        "INSERT INTO runs (run_id, pipeline, pipeline_file, pipeline_sha256, pipeline_text, params_json, git_commit, git_dirty, status, " +
        "started_at, finished_at, host, pid, forced, resumes, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        run.RunId, run.Pipeline, run.PipelineFile, run.PipelineSha256, run.PipelineText, run.ParamsJson, run.GitCommit, run.GitDirty,
        StatusText.Of(run.Status), run.StartedAt, run.FinishedAt, run.Host, run.Pid, run.Forced, run.Resumes, run.Error));

    /// <summary>
    /// Records a new run, the event announcing it, and whatever <paramref name="alongside"/> writes (a cluster run's first
    /// queued steps), in one transaction.
    /// </summary>
    internal void InsertRun(RunRecord run, EventDraft started, Action<DbConnection> alongside) => InTransaction(connection =>
    {
        connection.Execute(
            "INSERT INTO runs (run_id, pipeline, pipeline_file, pipeline_sha256, pipeline_text, params_json, git_commit, git_dirty, status, " +
            "started_at, finished_at, host, pid, forced, resumes, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            run.RunId, run.Pipeline, run.PipelineFile, run.PipelineSha256, run.PipelineText, run.ParamsJson, run.GitCommit, run.GitDirty,
            StatusText.Of(run.Status), run.StartedAt, run.FinishedAt, run.Host, run.Pid, run.Forced, run.Resumes, run.Error);
        alongside(connection);
        return WriteEvent(connection, started);
    });

    /// <summary>
    /// A step record whose writing <paramref name="guard"/> decides inside its transaction (a cluster step's attempts); null
    /// when the guard refused it and nothing was written. PostgreSQL only: only a shared store runs steps on several nodes.
    /// </summary>
    internal long? CommitGuarded(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events, IStepRecordGuard guard) =>
        _commits is DirectCommit direct
        ? direct.CommitGuarded(step.Node is null ? step with { Node = Node } : step, outputs, inputs, madeHere, references, events, guard)
        : throw new NotSupportedException("clustered execution needs the store in PostgreSQL (store.kind: postgres)");

    /// <summary>Records how a run ended and, in the same transaction, the event saying so (when given).</summary>
    public void FinishRun(string runId, RunStatus status, string? error, EventDraft? finished = null) => WithEvent(finished, connection => connection.Execute(
        "UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE run_id = ?", StatusText.Of(status), DateTime.UtcNow, error, runId));

    /// <summary>Marks a run as running again for <c>resume</c>, by this process, with the event announcing it (when given).</summary>
    public void ReopenRun(string runId, EventDraft? started = null) => WithEvent(started, connection => connection.Execute(
        "UPDATE runs SET status = 'running', finished_at = NULL, error = NULL, resumes = resumes + 1, pid = ?, host = ? WHERE run_id = ?",
        Environment.ProcessId, Environment.MachineName, runId));

    /// <summary>A change to a run's row, and its event in the same transaction, so a run's status and its event never disagree.</summary>
    private void WithEvent(EventDraft? announcement, Action<DbConnection> change)
    {
        if (announcement is null)
        {
            _commits.AfterQueued(() =>
            {
                change(_connection);
                return 0;
            });
            return;
        }
        InTransaction(connection =>
        {
            change(connection);
            return WriteEvent(connection, announcement);
        });
    }

    public RunRecord? FindRun(string runIdOrPrefix)
    {
        var runs = Query("SELECT * FROM runs WHERE run_id = ? OR starts_with(run_id, ?) ORDER BY started_at DESC LIMIT 2", StoreEntities.Run,
            runIdOrPrefix, runIdOrPrefix);
        if (runs.Count > 1 && runs[0].RunId != runIdOrPrefix)
            throw new ArgumentException($"run id prefix '{runIdOrPrefix}' matches more than one run; give more characters");
        return runs.FirstOrDefault();
    }

    public IReadOnlyList<RunRecord> ListRuns(int limit, string? pipeline = null) => pipeline is null
        ? Query("SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", StoreEntities.Run, limit)
        : Query("SELECT * FROM runs WHERE pipeline = ? ORDER BY started_at DESC LIMIT ?", StoreEntities.Run, pipeline, limit);

    /// <inheritdoc cref="GroupCommit.UpsertStepRun"/>
    public long UpsertStepRun(StepRunRecord step) => _commits.UpsertStepRun(step.Node is null ? step with { Node = Node } : step);

    /// <inheritdoc cref="GroupCommit.IsCommitted"/>
    public bool IsCommitted(long sequence) => _commits.IsCommitted(sequence);

    /// <inheritdoc cref="GroupCommit.CompleteStepRun"/>
    public long CompleteStepRun(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere = null, IReadOnlyList<EventDraft>? events = null, IReadOnlyList<ArtifactReference>? references = null) =>
        _commits.CompleteStepRun(step.Node is null ? step with { Node = Node } : step, outputs, inputs, madeHere, references ?? [], events ?? []);

    /// <inheritdoc cref="GroupCommit.IsKnownArtifact"/>
    public bool IsKnownArtifact(string sha256) => _commits.IsKnownArtifact(sha256);

    public IReadOnlyList<StepRunRecord> StepRuns(string runId) =>
        Query("SELECT * FROM step_runs WHERE run_id = ? ORDER BY started_at NULLS LAST, step_id", StoreEntities.StepRun, runId);

    /// <summary>The newest successful step run with this cache key whose output artifacts are all still present.</summary>
    public StepRunRecord? FindCached(string cacheKey)
    {
        // Most keys of a changed pipeline are new; the in-memory set answers those without a query (or a commit).
        if (!_commits.IsKnownCacheKey(cacheKey)) return null;
        return _commits.AfterQueued(() => _connection
            .Rows("SELECT * FROM step_runs WHERE cache_key = ? AND status IN ('succeeded', 'cached') ORDER BY finished_at DESC LIMIT 5",
                StoreEntities.StepRun, cacheKey)
            .FirstOrDefault(candidate => OutputArtifactsUnlocked(candidate.RunId, candidate.StepId).All(o => Artifacts.IsPresent(o.Artifact))));
    }

    public IReadOnlyList<(string Output, Artifact Artifact)> OutputArtifacts(string runId, string stepId) =>
        _commits.AfterQueued(() => OutputArtifactsUnlocked(runId, stepId));

    private List<(string Output, Artifact Artifact)> OutputArtifactsUnlocked(string runId, string stepId) => _connection.Rows(
        "SELECT o.output, a.sha256, a.kind, a.format, a.bytes, a.store_path FROM step_outputs o JOIN artifacts a USING (sha256) " +
        "WHERE o.run_id = ? AND o.step_id = ? ORDER BY o.output",
        row => (row.Text("output"), StoreEntities.Artifact(row)), runId, stepId);

    public Artifact? FindArtifact(string sha256) =>
        FindArtifacts(sha256).Select(r => r.Artifact).FirstOrDefault(a => a.Sha256 == sha256);

    public IReadOnlyList<ArtifactRecord> FindArtifacts(string shaPrefix) => Query(
        "SELECT sha256, kind, format, bytes, store_path, is_source, created_at, produced_by_run, produced_by_step FROM artifacts " +
        "WHERE starts_with(sha256, ?) ORDER BY created_at",
        StoreEntities.ArtifactRecord, shaPrefix.ToLowerInvariant());

    /// <summary>Every edge reachable upstream (what it was made from) or downstream (what was made from it).</summary>
    public IReadOnlyList<LineageEdge> Lineage(string sha256, bool upstream)
    {
        var (from, to) = upstream ? ("child_sha256", "parent_sha256") : ("parent_sha256", "child_sha256");
        return Query($"""
            WITH RECURSIVE walk(parent_sha256, child_sha256, run_id, step_id, depth) AS (
                SELECT parent_sha256, child_sha256, run_id, step_id, 1 FROM lineage WHERE {from} = ?
                UNION
                SELECT l.parent_sha256, l.child_sha256, l.run_id, l.step_id, w.depth + 1
                FROM lineage l JOIN walk w ON l.{from} = w.{to}
                WHERE w.depth < 100
            )
            SELECT parent_sha256, child_sha256, run_id, step_id, min(depth) AS depth FROM walk
            GROUP BY parent_sha256, child_sha256, run_id, step_id ORDER BY min(depth), parent_sha256, child_sha256
            """, StoreEntities.LineageEdge, sha256);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction on the store's connection, after queued step records.</summary>
    internal T InTransaction<T>(Func<DbConnection, T> work) => _commits.AfterQueued(() =>
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
    internal DuckDBConnection OpenSideConnection()
    {
        if (Dialect.IsPostgres)
            throw new NotSupportedException("a PostgreSQL store has no DuckDB connection: its decisions go to segment files (DecisionSegmentWriter)");
        // Its commits do not wait for the queue, so the queue goes first: no streamed row outlives, in the
        // database, the record of a step it depends on.
        Flush();
        // DuckDB.NET hands a second connection to an open file the same database, not a second instance of it.
        var connection = new DuckDBConnection(StoreDatabase.ConnectionString(Layout));
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs a read on the store's connection, after queued step records.</summary>
    internal T Read<T>(Func<DbConnection, T> work) => _commits.AfterQueued(() => work(_connection));

    public IReadOnlyList<DriftEventRecord> DriftEvents(string? model, int limit) => model is null
        ? Query("SELECT * FROM drift_events ORDER BY detected_at DESC LIMIT ?", StoreEntities.DriftEvent, limit)
        : Query("SELECT * FROM drift_events WHERE model = ? ORDER BY detected_at DESC LIMIT ?", StoreEntities.DriftEvent, model, limit);

    /// <summary>
    /// Publishes an event from outside any step (a step's events go with its results through
    /// <see cref="CompleteStepRun"/>): it is committed, with every step record queued before it, when this returns.
    /// Sequence numbers come from one counter for queued and direct events in DuckDB (only this process writes the store),
    /// and from a sequence in PostgreSQL, where events commit in sequence order (<see cref="DirectCommit.TakeEventSequence"/>).
    /// </summary>
    public PipelineEvent PublishEvent(EventDraft draft) => InTransaction(connection => WriteEvent(connection, draft));

    /// <summary>
    /// Writes an event on <paramref name="connection"/> inside the caller's transaction, so it commits (or not) with the
    /// row it announces: a run's status, a registry transition.
    /// </summary>
    internal PipelineEvent WriteEvent(DbConnection connection, EventDraft draft)
    {
        var stored = EventRows.Stamp(_commits.TakeEventSequence(connection), draft);
        EventRows.Write(connection, stored);
        return stored;
    }

    /// <summary>The events <paramref name="query"/> asks for: newest first, or oldest first after a sequence.</summary>
    public IReadOnlyList<PipelineEvent> Events(EventQuery query)
    {
        var where = new List<string>();
        var args = new List<object?>();
        void Filter(string condition, object? value)
        {
            if (value is null) return;
            where.Add(condition);
            args.Add(value);
        }
        Filter("type = ?", query.Type);
        Filter("model = ?", query.Model);
        Filter("pipeline = ?", query.Pipeline);
        Filter("time >= ?", query.Since);
        Filter("seq > ?", query.AfterSequence);
        args.Add(query.Limit);
        var sql = "SELECT * FROM events" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                  (query.AfterSequence is null ? " ORDER BY seq DESC" : " ORDER BY seq") + " LIMIT ?";
        return Query(sql, StoreEntities.Event, [.. args]);
    }

    /// <summary>The newest event's sequence, 0 when there is none: where a new subscriber starts.</summary>
    public long LastEventSequence() => _commits.AfterQueued(() => _connection.Scalar<long>("SELECT coalesce(max(seq), 0) FROM events"));

    /// <summary>Counts for health checks and tests: rows per table.</summary>
    public long Count(string table) => _commits.AfterQueued(() => _connection.Scalar<long>($"SELECT count(*) FROM {table}"));

    /// <summary>Every artifact row, for consistency checks (each row has its file; no file under two rows).</summary>
    public IReadOnlyList<Artifact> AllArtifacts() =>
        Query("SELECT sha256, kind, format, bytes, store_path FROM artifacts ORDER BY sha256", StoreEntities.Artifact);

    /// <summary>Commits every queued write now; called before reads, at the end of a run and on dispose.</summary>
    public void Flush() => _commits.AfterQueued(() => 0);

    private List<T> Query<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, params object?[] args) =>
        _commits.AfterQueued(() => _connection.Rows(sql, map, args));

    private void Execute(string sql, params object?[] args) => _commits.AfterQueued(() => _connection.Execute(sql, args));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _commits.Dispose();
        }
        finally
        {
            if (_connection is DuckDBConnection duckDb) StoreDatabase.Release(Layout, duckDb);
        }
    }
}
