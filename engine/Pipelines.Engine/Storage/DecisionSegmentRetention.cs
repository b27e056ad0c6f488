using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Retention of a PostgreSQL store's decisions, which live in segment files: a segment whose every decision is older
/// than the cutoff is unregistered and its file deleted; a segment the cutoff falls inside is rewritten with its newer
/// decisions only (a new file, written under a temporary name and renamed, then registered in place of the old one).
/// Explanations of the purged decisions go from the server's table, found as in DuckDB by run, step, model and trade.
/// The registry changes are made on the caller's transaction; old files are deleted by <see cref="Plan.DeleteOldFiles"/>
/// once it has committed, so a crash leaves at worst an unregistered file, never a registered one missing.
/// </summary>
internal static class DecisionSegmentRetention
{
    public sealed class Plan(List<(string Model, int Version, long Rows)> groups, List<string> oldFiles)
    {
        /// <summary>Decisions older than the cutoff, per model and version.</summary>
        public IReadOnlyList<(string Model, int Version, long Rows)> Groups => groups;

        public void DeleteOldFiles()
        {
            foreach (var file in oldFiles) File.Delete(file);
        }
    }

    private sealed record Affected(string SegmentId, string RunId, string StepId, string Model, string StorePath, DateTime LastTime);

    /// <summary>Counts (always) and, unless <paramref name="dryRun"/>, purges the decisions older than <paramref name="cutoff"/>.</summary>
    public static Plan Purge(PipelineStore store, DbConnection connection, DateTime cutoff, bool dryRun)
    {
        var affected = connection.Rows(
            "SELECT segment_id, run_id, step_id, model, store_path, last_time FROM decision_segments WHERE first_time < ? ORDER BY segment_id",
            row => new Affected(row.Text("segment_id"), row.Text("run_id"), row.Text("step_id"), row.Text("model"), row.Text("store_path"), row.Time("last_time")),
            cutoff);
        var counts = new Dictionary<(string, int), long>();
        var oldFiles = new List<string>();
        foreach (var segment in affected)
        {
            var path = DecisionSegmentClosing.Locate(Path.Combine(store.Layout.ArtifactsDirectory, segment.StorePath));
            long minTrade, maxTrade;
            using (var file = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY"))
            {
                file.Open();
                foreach (var (version, rows) in file.Rows("SELECT model_version, count(*) AS n FROM decision_rows WHERE time < ? GROUP BY model_version",
                             row => ((int)row.Integer("model_version"), row.Integer("n")), cutoff))
                    counts[(segment.Model, version)] = counts.GetValueOrDefault((segment.Model, version)) + rows;
                (minTrade, maxTrade) = file.Rows("SELECT min(trade_id) AS lo, max(trade_id) AS hi FROM decision_rows WHERE time < ?",
                    row => (row.Integer("lo"), row.Integer("hi")), cutoff).Single();
            }
            if (dryRun) continue;
            // A stream skips repeated and backward trade ids, so its decisions before the cutoff are one range of trades.
            connection.Execute("DELETE FROM decision_explanations WHERE run_id = ? AND step_id = ? AND model = ? AND trade_id >= ? AND trade_id <= ?",
                segment.RunId, segment.StepId, segment.Model, minTrade, maxTrade);
            connection.Execute("DELETE FROM decision_segment_versions WHERE segment_id = ?", segment.SegmentId);
            if (segment.LastTime < cutoff)
                connection.Execute("DELETE FROM decision_segments WHERE segment_id = ?", segment.SegmentId);
            else
                Rewrite(store, connection, segment, Path.Combine(store.Layout.ArtifactsDirectory, segment.StorePath), path, cutoff);
            oldFiles.Add(path);
        }
        return new Plan(counts.OrderBy(c => c.Key.Item1, StringComparer.Ordinal).ThenBy(c => c.Key.Item2).Select(c => (c.Key.Item1, c.Key.Item2, c.Value)).ToList(), oldFiles);
    }

    /// <summary>
    /// Writes the segment's decisions from the cutoff on to a new file named after the old one's final name
    /// (<paramref name="path"/>) and registers it in the old one's place; the rows come from <paramref name="source"/>,
    /// where the old file is (<see cref="DecisionSegmentClosing.Locate"/>).
    /// </summary>
    private static void Rewrite(PipelineStore store, DbConnection connection, Affected segment, string path, string source, DateTime cutoff)
    {
        var name = $"{Path.GetFileNameWithoutExtension(path)}-from-{cutoff.Ticks.ToString(CultureInfo.InvariantCulture)}.duckdb";
        var finalPath = Path.Combine(Path.GetDirectoryName(path)!, name);
        var partialPath = finalPath + DecisionSegmentWriter.PartialSuffix;
        File.Delete(partialPath);
        List<DecisionSegmentClosing.VersionSpan> versions;
        using (var file = new DuckDBConnection($"Data Source={partialPath}"))
        {
            file.Open();
            file.Execute(DecisionSegmentWriter.SegmentTable);
            file.Execute($"ATTACH '{source.Replace("'", "''", StringComparison.Ordinal)}' AS old (READ_ONLY)");
            file.Execute("INSERT INTO decision_rows SELECT * FROM old.main.decision_rows WHERE time >= ? ORDER BY time, trade_id", cutoff);
            file.Execute("DETACH old");
            versions = DecisionSegmentClosing.Summarize(file);
        }
        var sha256 = ArtifactStore.HashFile(partialPath);
        var bytes = new FileInfo(partialPath).Length;
        File.Move(partialPath, finalPath, overwrite: true);
        connection.Execute("UPDATE decision_segments SET store_path = ?, sha256 = ?, bytes = ?, first_time = ?, row_count = ? WHERE segment_id = ?",
            string.Join('/', Path.GetDirectoryName(segment.StorePath)!.Replace('\\', '/'), name), sha256, bytes, versions.Min(v => v.First), versions.Sum(v => v.Rows),
            segment.SegmentId);
        foreach (var (version, first, last, rows) in versions)
            connection.Execute("INSERT INTO decision_segment_versions (segment_id, model_version, first_time, last_time, row_count) VALUES (?, ?, ?, ?, ?)",
                segment.SegmentId, version, first, last, rows);
    }
}
