using DuckDB.NET.Data;

namespace Pipelines.Engine.Storage;

/// <summary>
/// How a decision segment becomes readable, whether its writer closes it or <see cref="DecisionSegmentRecovery"/> finds
/// it left behind by a stopped stream: its figures are read from the file, the file is checkpointed, closed and hashed,
/// registered in one transaction, then renamed from its temporary name to its final one. The registration is keyed by
/// the segment's id, so the same segment registered twice (two nodes recovering it, or a writer and a recoverer in the
/// moment between the writer's close and its rename) is one row.
/// </summary>
internal static class DecisionSegmentClosing
{
    /// <summary>One model version's decisions in a segment: their first and last trade time and their count.</summary>
    public sealed record VersionSpan(int Version, DateTime First, DateTime Last, long Rows);

    /// <summary>The per-version figures of the segment open on <paramref name="connection"/>, which is then checkpointed (its rows all in the file, none in a log).</summary>
    public static List<VersionSpan> Summarize(DuckDBConnection connection)
    {
        var versions = connection.Rows(
            "SELECT model_version, min(time) AS first_time, max(time) AS last_time, count(*) AS n FROM decision_rows GROUP BY model_version ORDER BY model_version",
            row => new VersionSpan((int)row.Integer("model_version"), row.Time("first_time"), row.Time("last_time"), row.Integer("n")));
        connection.Execute("CHECKPOINT");
        return versions;
    }

    /// <summary>The name of a stream's segment file (the temporary name adds <see cref="DecisionSegmentWriter.PartialSuffix"/>).</summary>
    public static string FileName(int streamId, int index) => $"{streamId}-{index:D6}.duckdb";

    /// <summary>
    /// Registers a closed segment file (<paramref name="partialPath"/>, holding <paramref name="versions"/>, at least one)
    /// with its hash, size, span and rows, then renames it to its final name. Registering first means a crash between the
    /// two leaves a registered segment under its temporary name, which readers find there (<see cref="Locate"/>) and the
    /// next recovery renames; renaming first would leave a whole file under its final name that nothing registers, and
    /// that recovery could not tell from one retention has unregistered but not yet deleted.
    /// </summary>
    public static DecisionSegment Register(PipelineStore store, int streamId, int index, string runId, string stepId, string model, string partialPath,
        IReadOnlyList<VersionSpan> versions)
    {
        var name = FileName(streamId, index);
        var finalPath = Path.Combine(Path.GetDirectoryName(partialPath)!, name);
        var closed = File.Exists(partialPath) ? partialPath : finalPath;
        var sha256 = ArtifactStore.HashFile(closed);
        var bytes = new FileInfo(closed).Length;
        var segment = new DecisionSegment($"{streamId}-{index:D6}", streamId, runId, stepId, model,
            string.Join('/', DecisionSegmentWriter.Folder, runId, stepId, name), sha256, bytes,
            versions.Min(v => v.First), versions.Max(v => v.Last), versions.Sum(v => v.Rows));
        store.InTransaction(c =>
        {
            c.Execute(
                "INSERT INTO decision_segments (segment_id, stream_id, run_id, step_id, model, store_path, sha256, bytes, first_time, last_time, row_count, closed_at) " +
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                segment.SegmentId, segment.StreamId, segment.RunId, segment.StepId, segment.Model, segment.StorePath, segment.Sha256, segment.Bytes,
                segment.FirstTime, segment.LastTime, segment.Rows, DateTime.UtcNow);
            foreach (var version in versions)
                c.Execute("INSERT INTO decision_segment_versions (segment_id, model_version, first_time, last_time, row_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    segment.SegmentId, version.Version, version.First, version.Last, version.Rows);
            return 0;
        });
        try
        {
            File.Move(partialPath, finalPath);
        }
        catch (FileNotFoundException) when (File.Exists(finalPath))
        {
            // Renamed by the other party of a writer's close and a recovery on another node (it could open the file in
            // the moment between the writer closing it and renaming it); the content is the same and so was the row above.
        }
        return segment;
    }

    /// <summary>
    /// Where a registered segment's file is: under its final name, or still under its temporary one when its writer or
    /// recoverer stopped between registering and renaming it; the final path when neither exists, for the caller to
    /// report as missing.
    /// </summary>
    public static string Locate(string finalPath) =>
        !File.Exists(finalPath) && File.Exists(finalPath + DecisionSegmentWriter.PartialSuffix) ? finalPath + DecisionSegmentWriter.PartialSuffix : finalPath;
}
