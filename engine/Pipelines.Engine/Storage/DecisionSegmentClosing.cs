using System.Security.Cryptography;
using DuckDB.NET.Data;

namespace Pipelines.Engine.Storage;

/// <summary>
/// How a decision segment becomes readable, whether its writer closes it or <see cref="DecisionSegmentRecovery"/> finds
/// it left behind by a stopped stream: its figures are read from the file, the file is checkpointed and closed, renamed
/// from its temporary name to its final one and registered in one transaction. The registration is keyed by the
/// segment's id, so the same segment registered twice (two nodes recovering it, or a writer and a recoverer in the
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
    /// Renames a closed segment file (<paramref name="partialPath"/>, holding <paramref name="versions"/>, at least one)
    /// to its final name, then registers it with its hash, size, span and rows. A crash between the two leaves a file
    /// nothing registered, never a registration whose file is missing.
    /// </summary>
    public static DecisionSegment Register(PipelineStore store, int streamId, int index, string runId, string stepId, string model, string partialPath,
        IReadOnlyList<VersionSpan> versions)
    {
        var name = FileName(streamId, index);
        var finalPath = Path.Combine(Path.GetDirectoryName(partialPath)!, name);
        try
        {
            File.Move(partialPath, finalPath);
        }
        catch (FileNotFoundException) when (File.Exists(finalPath))
        {
            // Renamed by the other party of a writer's close and a recovery on another node (it could open the file in
            // the moment between the writer closing it and renaming it); the content is the same and so is the row below.
        }
        string sha256;
        long bytes;
        using (var file = File.OpenRead(finalPath))
        {
            bytes = file.Length;
            sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        }
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
        return segment;
    }
}
