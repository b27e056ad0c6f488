using System.Security.Cryptography;
using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Writes a tick stream's decisions on the node that makes them, for a PostgreSQL store: into DuckDB files of its own
/// (segments) under the shared artifact directory, through the same native appender as the DuckDB store's table, so a
/// row costs no allocation and no round trip to the server. Opening registers the stream (run, step, model) and its
/// feature order in the store, as in DuckDB. A segment is written under a temporary name, closed when the policy says
/// (a number of rows, or at a commit once it has been open long enough), renamed to its final name (atomic within the
/// directory), and then registered in one transaction with its hash, size, time span, row count and, per model version,
/// span and count. A process killed mid-segment leaves a temporary file nobody registered: readers see whole segments
/// only.
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
    private long _firstMicros;
    private long _lastMicros;
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
        if (_rows++ == 0) _firstMicros = _lastMicros = timeMicros;
        else if (timeMicros > _lastMicros) _lastMicros = timeMicros;
        else if (timeMicros < _firstMicros) _firstMicros = timeMicros;
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
        _partialPath = Path.Combine(_directory, SegmentFileName(_segmentIndex) + PartialSuffix);
        // Stream ids are drawn once from the store's sequence, so no other writer uses this name; nothing registered
        // ever points at a partial file, so clearing one is always safe.
        File.Delete(_partialPath);
        File.Delete(_partialPath + ".wal");
        var connection = new DuckDBConnection($"Data Source={_partialPath}");
        try
        {
            connection.Open();
            connection.Execute(SegmentTable);
            _appender = new DecisionRowAppender(connection, _featureCount);
            _connection = connection;
        }
        catch
        {
            connection.Dispose();
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

    private string SegmentFileName(int index) => $"{_streamId}-{index:D6}.duckdb";

    /// <summary>Writes the segment out, closes its database, renames it to its final name and registers it.</summary>
    private void CloseSegment()
    {
        var connection = _connection!;
        var partialPath = _partialPath!;
        List<(int Version, DateTime First, DateTime Last, long Rows)> versions;
        try
        {
            _appender!.Dispose();
            versions = connection.Rows(
                "SELECT model_version, min(time) AS first_time, max(time) AS last_time, count(*) AS n FROM decision_rows GROUP BY model_version ORDER BY model_version",
                row => ((int)row.Integer("model_version"), row.Time("first_time"), row.Time("last_time"), row.Integer("n")));
            connection.Execute("CHECKPOINT");
        }
        finally
        {
            _appender = null;
            _connection = null;
            connection.Dispose();
        }
        var rows = _rows;
        if (rows == 0)
        {
            File.Delete(partialPath);
            return;
        }
        var name = SegmentFileName(_segmentIndex);
        var finalPath = Path.Combine(_directory, name);
        string sha256;
        long bytes;
        using (var file = File.OpenRead(partialPath))
        {
            bytes = file.Length;
            sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        }
        File.Move(partialPath, finalPath);
        var segment = new DecisionSegment($"{_streamId}-{_segmentIndex:D6}", _streamId, _runId, _stepId, _model,
            string.Join('/', Folder, _runId, _stepId, name), sha256, bytes, Micros(_firstMicros), Micros(_lastMicros), rows);
        _store.InTransaction(c =>
        {
            c.Execute(
                "INSERT INTO decision_segments (segment_id, stream_id, run_id, step_id, model, store_path, sha256, bytes, first_time, last_time, row_count, closed_at) " +
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                segment.SegmentId, segment.StreamId, segment.RunId, segment.StepId, segment.Model, segment.StorePath, segment.Sha256, segment.Bytes,
                segment.FirstTime, segment.LastTime, segment.Rows, DateTime.UtcNow);
            foreach (var (version, first, last, count) in versions)
                c.Execute("INSERT INTO decision_segment_versions (segment_id, model_version, first_time, last_time, row_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    segment.SegmentId, version, first, last, count);
            return 0;
        });
        _rows = 0;
    }

    private static DateTime Micros(long micros) => DateTime.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    /// <summary>Closes and registers the open segment: every row appended is readable once this returns.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_connection is not null) CloseSegment();
    }
}
