using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Serilog;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Registers the decision segments that stopped streams left under their temporary name (a process killed mid-segment),
/// so a PostgreSQL store keeps every committed decision as the DuckDB store does. Opening such a file replays DuckDB's
/// write-ahead log, so exactly the rows its writer committed are there; the segment is then closed and registered as its
/// writer would have closed it (<see cref="DecisionSegmentClosing"/>), with its figures read from the file.
/// </summary>
/// <remarks>
/// A segment is left alone while it is live: open by a writer (or another recovery) in this process, or by another
/// process, which DuckDB's lock on a file opened for writing tells. A file with no decisions is deleted; a file DuckDB
/// cannot open, or whose stream this store does not know, is kept where it is and reported. Only stream segments
/// (<c>STREAM-NNNNNN.duckdb.partial</c>) are considered: retention's rewrites have temporary files of another name,
/// copies of rows still registered elsewhere.
/// </remarks>
public static partial class DecisionSegmentRecovery
{
    /// <summary>Recovers the segments stopped streams of one step left (run before a stream of the step opens).</summary>
    public static DecisionSegmentRecoveryReport RecoverStep(PipelineStore store, string runId, string stepId, ILogger log) =>
        Recover(store, Path.Combine(store.Layout.ArtifactsDirectory, DecisionSegmentWriter.Folder, runId, stepId), log);

    /// <summary>Recovers the segments stopped streams left anywhere under the artifact directory's decisions.</summary>
    public static DecisionSegmentRecoveryReport RecoverAll(PipelineStore store, ILogger log) =>
        Recover(store, Path.Combine(store.Layout.ArtifactsDirectory, DecisionSegmentWriter.Folder), log);

    private static DecisionSegmentRecoveryReport Recover(PipelineStore store, string directory, ILogger log)
    {
        var report = new DecisionSegmentRecoveryReport();
        if (!store.Dialect.IsPostgres || !Directory.Exists(directory)) return report;
        foreach (var path in Directory.EnumerateFiles(directory, "*.duckdb" + DecisionSegmentWriter.PartialSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (SegmentName().Match(Path.GetFileName(path)) is not { Success: true } name) continue;
            var streamId = int.Parse(name.Groups["stream"].Value, CultureInfo.InvariantCulture);
            var index = int.Parse(name.Groups["index"].Value, CultureInfo.InvariantCulture);
            if (!DecisionSegmentWriter.TryClaim(path))
            {
                report.Live.Add(path);
                continue;
            }
            try
            {
                RecoverOne(store, path, streamId, index, report, log);
            }
            finally
            {
                DecisionSegmentWriter.Release(path);
            }
        }
        return report;
    }

    private static void RecoverOne(PipelineStore store, string path, int streamId, int index, DecisionSegmentRecoveryReport report, ILogger log)
    {
        // Closed and renamed by its writer since the directory was listed (opening a missing file would create one).
        if (!File.Exists(path)) return;
        List<DecisionSegmentClosing.VersionSpan> versions;
        try
        {
            using var connection = new DuckDBConnection($"Data Source={path}");
            connection.Open();
            var hasRows = connection.Scalar<long>("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'decision_rows' AND database_name = current_database()") > 0;
            versions = hasRows ? DecisionSegmentClosing.Summarize(connection) : [];
        }
        catch (DuckDBException e) when (e.Message.Contains("Could not set lock on file", StringComparison.Ordinal))
        {
            // Another process has it open for writing: a live stream on another node, or another node recovering it.
            log.Debug("Decision segment {Path} is open in another process; left to it", path);
            report.Live.Add(path);
            return;
        }
        catch (DuckDBException e)
        {
            Keep(path, e.Message, report, log);
            return;
        }
        if (versions.Count == 0)
        {
            File.Delete(path);
            File.Delete(path + ".wal");
            report.Deleted.Add(path);
            log.Information("Deleted decision segment {Path}: a stopped stream left it without decisions", path);
            return;
        }
        var stream = store.Read(c => c.Rows("SELECT run_id, step_id, model FROM decision_streams WHERE stream_id = ?",
            row => (RunId: row.Text("run_id"), StepId: row.Text("step_id"), Model: row.Text("model")), streamId)).SingleOrDefault();
        if (stream.RunId is null)
        {
            Keep(path, $"stream {streamId} is not registered in this store", report, log);
            return;
        }
        var expected = Path.GetFullPath(Path.Combine(store.Layout.ArtifactsDirectory, DecisionSegmentWriter.Folder, stream.RunId, stream.StepId));
        if (!string.Equals(Path.GetFullPath(Path.GetDirectoryName(path)!), expected, StringComparison.Ordinal))
        {
            Keep(path, $"stream {streamId} belongs to run {stream.RunId} step {stream.StepId}, whose segments are in {expected}", report, log);
            return;
        }
        var segment = DecisionSegmentClosing.Register(store, streamId, index, stream.RunId, stream.StepId, stream.Model, path, versions);
        report.Recovered.Add(segment);
        log.Information("Recovered decision segment {Path}: {Rows} decision(s) a stopped stream committed, registered as {Segment}",
            path, segment.Rows, segment.StorePath);
    }

    private static void Keep(string path, string problem, DecisionSegmentRecoveryReport report, ILogger log)
    {
        report.Kept.Add((path, problem));
        log.Warning("Kept decision segment {Path} unregistered: {Problem}", path, problem);
    }

    [GeneratedRegex(@"^(?<stream>[0-9]+)-(?<index>[0-9]{6})\.duckdb\.partial$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();
}
