using System.Data.Common;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Reads the decisions of a PostgreSQL store from their segments: the store says which registered segments can hold the
/// rows asked for (by model, version and time span), and an in-memory DuckDB attaches those files read-only and answers
/// the same query the DuckDB store answers from its <c>decisions</c> view, with the same tie-breaking between runs.
/// </summary>
internal static class DecisionSegmentReader
{
    /// <summary>As <see cref="StoreDecisionLog.Read"/>: one row per trade, the newest run's, oldest first.</summary>
    public static IReadOnlyList<StoredDecision> Read(PipelineStore store, string model, int version, DateTime from, DateTime until)
    {
        var segments = store.Read(connection => connection.Rows(
            "SELECT s.store_path, s.stream_id, s.run_id, r.started_at FROM decision_segments s " +
            "JOIN decision_segment_versions v ON v.segment_id = s.segment_id LEFT JOIN runs r ON r.run_id = s.run_id " +
            "WHERE s.model = ? AND v.model_version = ? AND v.first_time <= ? AND v.last_time >= ? ORDER BY s.segment_id",
            Source.Of, model, version, until, from));
        return Query(store, segments,
            "SELECT trade_id, time, model_version, score FROM (" +
            "SELECT d.trade_id, d.time, d.model_version, d.score, " +
            "row_number() OVER (PARTITION BY d.trade_id ORDER BY s.started_at DESC NULLS LAST, s.run_id DESC) AS newest " +
            "FROM segment_rows d JOIN segment_streams s USING (stream_id) " +
            "WHERE d.model_version = ? AND d.time >= ? AND d.time <= ? AND d.score IS NOT NULL) latest " +
            "WHERE newest = 1 ORDER BY time, trade_id",
            row => new StoredDecision(row.Integer("trade_id"), row.Time("time"), (int)row.Integer("model_version"), row.RealOrNull("score")!.Value),
            version, from, until);
    }

    /// <summary>The newest decision time of a model's version, from the registered per-version spans (no file opened).</summary>
    public static DateTime? NewestTime(PipelineStore store, string model, int version) => store.Read(connection => connection.Scalar<DateTime?>(
        "SELECT max(v.last_time) FROM decision_segments s JOIN decision_segment_versions v ON v.segment_id = s.segment_id " +
        "WHERE s.model = ? AND v.model_version = ?", model, version));

    /// <summary>Every decision one step stored, with its feature vector, by time and trade.</summary>
    public static IReadOnlyList<DecisionRecord> ReadStep(PipelineStore store, string runId, string stepId)
    {
        var segments = store.Read(connection => connection.Rows(
            "SELECT s.store_path, s.stream_id, s.run_id, r.started_at FROM decision_segments s LEFT JOIN runs r ON r.run_id = s.run_id " +
            "WHERE s.run_id = ? AND s.step_id = ? ORDER BY s.segment_id",
            Source.Of, runId, stepId));
        return Query(store, segments,
            "SELECT d.trade_id, d.time, s.model, d.model_version, d.score, d.features FROM segment_rows d JOIN segment_streams s USING (stream_id) " +
            "ORDER BY d.time, d.trade_id",
            DecisionRecord.Of);
    }

    /// <summary>A registered segment a query reads: its file and the stream its rows belong to.</summary>
    private sealed record Source(string StorePath, int StreamId, string RunId, DateTime? StartedAt)
    {
        public static Source Of(DbDataReader row) =>
            new(row.Text("store_path"), (int)row.Integer("stream_id"), row.Text("run_id"), row.TimeOrNull("started_at"));
    }

    /// <summary>
    /// Attaches <paramref name="segments"/> to an in-memory DuckDB, exposes their rows as <c>segment_rows</c> and their streams as <c>segment_streams</c>, and runs <paramref name="sql"/>.
    /// </summary>
    private static List<T> Query<T>(PipelineStore store, List<Source> segments, string sql, Func<DbDataReader, T> map, params object?[] args)
    {
        if (segments.Count == 0) return [];
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var union = new StringBuilder();
        var streams = new Dictionary<int, Source>();
        for (var i = 0; i < segments.Count; i++)
        {
            var path = DecisionSegmentClosing.Locate(Path.Combine(store.Layout.ArtifactsDirectory, segments[i].StorePath.Replace('/', Path.DirectorySeparatorChar)));
            if (!File.Exists(path))
                throw new InvalidOperationException($"the decision segment {segments[i].StorePath} is registered in the store but missing from {store.Layout.ArtifactsDirectory}");
            connection.Execute($"ATTACH '{path.Replace("'", "''", StringComparison.Ordinal)}' AS segment{i} (READ_ONLY)");
            if (i > 0) union.Append(" UNION ALL ");
            union.Append(CultureInfo.InvariantCulture,
                $"SELECT stream_id, trade_id, time, model_version, score, features FROM segment{i}.main.decision_rows");
            streams.TryAdd(segments[i].StreamId, segments[i]);
        }
        connection.Execute("CREATE TEMP TABLE segment_streams (stream_id INTEGER, run_id VARCHAR, model VARCHAR, started_at TIMESTAMP)");
        var models = store.Read(c => c.Rows("SELECT stream_id, model FROM decision_streams WHERE stream_id IN (" +
                string.Join(", ", streams.Keys.Select(k => k.ToString(CultureInfo.InvariantCulture))) + ")",
            row => ((int)row.Integer("stream_id"), row.Text("model"))).ToDictionary(r => r.Item1, r => r.Item2));
        foreach (var (streamId, source) in streams)
            connection.Execute("INSERT INTO segment_streams VALUES (?, ?, ?, ?)", streamId, source.RunId, models[streamId], source.StartedAt);
        connection.Execute($"CREATE TEMP VIEW segment_rows AS {union}");
        return connection.Rows(sql, map, args);
    }
}
