using System.Collections.Concurrent;
using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Writes a tick stream's decisions on the node that makes them, for a PostgreSQL store: into DuckDB files of its own
/// (segments) under the shared artifact directory, through the same native appender as the DuckDB store's table, so a
/// row costs no allocation and no round trip to the server. Opening registers the stream (run, step, model) and its
/// feature order in the store, as in DuckDB. A segment is written under a temporary name, closed when the policy says
/// (a number of rows, or at a commit once it has been open long enough), registered in one transaction with its hash,
/// size, time span, row count and, per model version, span and count, and then renamed to its final name (atomic within
/// the directory; <see cref="DecisionSegmentClosing"/> says why in that order). A process killed mid-segment leaves a temporary file that
/// <see cref="DecisionSegmentRecovery"/> registers later the same way: readers see whole segments only.
/// </summary>
/// <remarks>
/// <see cref="Commit"/> hands the rows appended so far to the open segment's file, and closes the segment once it has
/// been open for the policy's interval; rows become readable when their segment closes (at the policy's limits, and when
/// the writer is disposed). The tick loop commits at least every second, so a live stream's segments close on time.
/// </remarks>
internal sealed class DecisionSegmentWriter : IDecisionWriter
{
    /// <summary>The name suffix of a segment still being written; readers and the registry never see such a file.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>The folder of the artifact directory that holds every stream's segments.</summary>
    public const string Folder = "decisions";

    /// <summary>
    /// The temporary files of segments this process has open, by full path: the writers' own, and those a recovery is
    /// closing. Another process's open segment is told by the lock DuckDB holds on it, which cannot tell this process's.
    /// </summary>
    private static readonly ConcurrentDictionary<string, bool> OpenSegments = new(StringComparer.Ordinal);

    /// <summary>Marks a segment's temporary file open in this process; false when it already is (a live segment).</summary>
    internal static bool TryClaim(string partialPath) => OpenSegments.TryAdd(Path.GetFullPath(partialPath), true);

    internal static void Release(string partialPath) => OpenSegments.TryRemove(Path.GetFullPath(partialPath), out _);

    private readonly PipelineStore _store;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;
    private readonly int _featureCount;
    private readonly DecisionSegmentPolicy _policy;
    private readonly TimeProvider _clock;
    private readonly int _streamId;
    private readonly string _directory;
    private int _segmentIndex;
    private DuckDBConnection? _connection;
    private DecisionRowAppender? _appender;
    private string? _partialPath;
    private long _rows;
    private long _openedAt;
    private bool _disposed;

    public DecisionSegmentWriter(PipelineStore store, string runId, string stepId, string model, IReadOnlyList<string> features, DecisionSegmentPolicy policy,
        TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        if (features.Count == 0) throw new ArgumentException("a decision needs at least one feature", nameof(features));
        _store = store;
        _runId = runId;
        _stepId = stepId;
        _model = model;
        _featureCount = features.Count;
        _policy = policy;
        _streamId = store.InTransaction(connection =>
        {
            var streamId = connection.Scalar<int>("SELECT CAST(nextval('decision_stream_ids') AS INTEGER)");
            connection.Execute("INSERT INTO decision_streams (stream_id, run_id, step_id, model) VALUES (?, ?, ?, ?)", streamId, runId, stepId, model);
            for (var i = 0; i < features.Count; i++)
                connection.Execute("INSERT INTO decision_features (run_id, step_id, model, position, feature) VALUES (?, ?, ?, ?, ?)",
                    runId, stepId, model, i + 1, features[i]);
            return streamId;
        });
        _directory = Path.Combine(store.Layout.ArtifactsDirectory, Folder, runId, stepId);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The stream this writer registered; its segments are named after it.</summary>
    public int StreamId => _streamId;

    public void Append(long tradeId, long timeMicros, int modelVersion, double score, ReadOnlySpan<double> features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_rows >= _policy.MaxRows && _appender is not null) CloseSegment();
        if (_appender is null) OpenSegment();
        _appender!.Append(_streamId, tradeId, timeMicros, modelVersion, score, features);
        _rows++;
    }

    /// <summary>
    /// Writes the rows appended so far into the open segment's file, and closes (and registers) the segment when it has
    /// been open for the policy's interval.
    /// </summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_appender is null) return;
        if (_rows > 0 && _clock.GetElapsedTime(_openedAt) >= _policy.Interval) CloseSegment();
        else _appender.Flush();
    }

    private void OpenSegment()
    {
        _segmentIndex++;
        var partialPath = Path.Combine(_directory, DecisionSegmentClosing.FileName(_streamId, _segmentIndex) + PartialSuffix);
        if (!TryClaim(partialPath)) throw new InvalidOperationException($"the decision segment {partialPath} is already open in this process");
        // Stream ids are drawn once from the store's sequence, so no other writer uses this name; nothing registered
        // ever points at a partial file, so clearing one is always safe.
        var connection = new DuckDBConnection($"Data Source={partialPath}");
        try
        {
            File.Delete(partialPath);
            File.Delete(partialPath + ".wal");
            connection.Open();
            connection.Execute(SegmentTable);
            _appender = new DecisionRowAppender(connection, _featureCount);
            _connection = connection;
            _partialPath = partialPath;
        }
        catch
        {
            connection.Dispose();
            Release(partialPath);
            throw;
        }
        _rows = 0;
        _openedAt = _clock.GetTimestamp();
    }

    /// <summary>The table of a segment: <c>decision_rows</c> as the DuckDB store has it (migration 6), which the appender checks.</summary>
    public const string SegmentTable = """
        CREATE TABLE decision_rows (
            stream_id      INTEGER NOT NULL,
            trade_id       BIGINT NOT NULL,
            time           TIMESTAMP NOT NULL,
            model_version  INTEGER NOT NULL,
            score          DOUBLE,
            features       DOUBLE[] NOT NULL
        )
        """;

    /// <summary>Writes the segment out, closes its database, registers it and renames it to its final name.</summary>
    private void CloseSegment()
    {
        var connection = _connection!;
        var partialPath = _partialPath!;
        try
        {
            List<DecisionSegmentClosing.VersionSpan> versions;
            try
            {
                _appender!.Dispose();
                versions = DecisionSegmentClosing.Summarize(connection);
            }
            finally
            {
                _appender = null;
                _connection = null;
                connection.Dispose();
            }
            if (versions.Count == 0) File.Delete(partialPath);
            else DecisionSegmentClosing.Register(_store, _streamId, _segmentIndex, _runId, _stepId, _model, partialPath, versions);
        }
        finally
        {
            Release(partialPath);
        }
        _rows = 0;
    }

    /// <summary>Closes and registers the open segment: every row appended is readable once this returns.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_connection is not null) CloseSegment();
    }
}
