using System.Globalization;
using System.Text.Json;
using System.Data.Common;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

public sealed partial class ModelRegistry
{
    /// <summary>The stage of a retired version whose model file was moved to the archive.</summary>
    public const string Archived = "archived";

    /// <summary>
    /// One transaction: the rows go and their audit rows are written together, so a crash leaves either both or
    /// neither. Archived files are moved after the commit (a crash between them leaves a stage "archived" whose file
    /// is still in the artifact store, which the next pass moves). Audit rows: <c>purge_shadow</c> per model and
    /// challenger version, <c>purge_decisions</c> per model and version, <c>archive</c> per archived version.
    /// </summary>
    public RetentionReport ApplyRetention(RetentionSettings policy, DateTime now, bool dryRun, string reason)
    {
        if (policy.Problems() is [var (key, problem), ..]) throw new ArgumentException($"retention.{key}: {problem}");
        var actions = new List<string>();
        var archive = new List<(string Name, int Version, Artifact Model, DateTime RetiredAt)>();
        long shadowRows = 0, decisionRows = 0;
        // Segments killed streams left unregistered join the store first, so their decisions are purged by the same rules.
        if (!dryRun && policy.DecisionDays > 0 && store.Dialect.IsPostgres)
            actions.AddRange(DecisionSegmentRecovery.RecoverAll(store, Serilog.Core.Logger.None).Lines());
        store.InTransaction(connection =>
        {
            _afterCommit.Clear();   // a unit of work run again after a lost connection starts over
            if (policy.ShadowDays > 0) shadowRows = PurgeShadow(connection, now.AddDays(-policy.ShadowDays), policy.ShadowDays, dryRun, reason, actions);
            if (policy.DecisionDays > 0) decisionRows = PurgeDecisions(connection, now.AddDays(-policy.DecisionDays), policy.DecisionDays, dryRun, reason, actions);
            if (policy.ArchiveRetiredDays > 0) archive.AddRange(ArchiveCandidates(connection, now.AddDays(-policy.ArchiveRetiredDays)));
            var unfinished = ArchivedButPresent(connection).Where(a => !dryRun && store.Artifacts.IsPresent(a.Model)).ToList();
            foreach (var (name, version, model, retiredAt) in archive)
            {
                var line = $"archive {name} v{version} model file {model.Sha256[..12]} (retired {retiredAt:yyyy-MM-dd}, more than {policy.ArchiveRetiredDays} days ago)";
                actions.Add(line);
                if (dryRun) continue;
                SetStage(connection, name, version, Archived);
                Audit(connection, name, version, "archive", Stages.Retired, Archived, null, null,
                    $"{reason}: model file moved to {ArchiveFolder}/{ArchivedFileName(model)} (retention.archive_retired_days {policy.ArchiveRetiredDays})");
            }
            archive.AddRange(unfinished);
            return 0;
        });
        foreach (var afterCommit in _afterCommit) afterCommit();
        _afterCommit.Clear();
        if (!dryRun) foreach (var (name, version, model, _) in archive) MoveToArchive(name, version, model, now, reason);
        archive.RemoveAll(a => a.RetiredAt == DateTime.MinValue);
        return new RetentionReport(shadowRows, decisionRows, archive.Select(a => $"{a.Name} v{a.Version}").ToArray(), actions);
    }

    /// <summary>File deletions a retention pass owes once its transaction has committed.</summary>
    private readonly List<Action> _afterCommit = [];

    /// <summary>The archive's directory under the store root, and the manifest listing every file moved there.</summary>
    public const string ArchiveFolder = "archive";
    public const string ArchiveManifest = "manifest.jsonl";

    private long PurgeShadow(DbConnection connection, DateTime cutoff, int days, bool dryRun, string reason, List<string> actions)
    {
        var groups = connection.Rows(
            "SELECT model, challenger_version, count(*) AS n FROM shadow_predictions WHERE recorded_at < ? GROUP BY model, challenger_version ORDER BY model, challenger_version",
            row => (Model: row.Text("model"), Version: (int)row.Integer("challenger_version"), Rows: row.Integer("n")), cutoff);
        foreach (var (model, version, rows) in groups)
        {
            actions.Add($"delete {rows} shadow prediction(s) of {model} v{version} recorded before {cutoff:yyyy-MM-dd HH:mm}");
            if (!dryRun)
                Audit(connection, model, version, "purge_shadow", null, null, null, null,
                    $"{reason}: deleted {rows} shadow prediction(s) recorded before {Stamp(cutoff)} (retention.shadow_days {days})");
        }
        if (!dryRun) connection.Execute("DELETE FROM shadow_predictions WHERE recorded_at < ?", cutoff);
        return groups.Sum(g => g.Rows);
    }

    private long PurgeDecisions(DbConnection connection, DateTime cutoff, int days, bool dryRun, string reason, List<string> actions)
    {
        if (store.Dialect.IsPostgres) return PurgeDecisionSegments(connection, cutoff, days, dryRun, reason, actions);
        var groups = connection.Rows(
            "SELECT s.model, r.model_version, count(*) AS n FROM decision_rows r JOIN decision_streams s USING (stream_id) WHERE r.time < ? GROUP BY s.model, r.model_version ORDER BY s.model, r.model_version",
            row => (Model: row.Text("model"), Version: (int)row.Integer("model_version"), Rows: row.Integer("n")), cutoff);
        foreach (var (model, version, rows) in groups)
        {
            actions.Add($"delete {rows} decision(s) of {model} v{version} on trades before {cutoff:yyyy-MM-dd HH:mm}");
            if (!dryRun)
                Audit(connection, model, version, "purge_decisions", null, null, null, null,
                    $"{reason}: deleted {rows} decision(s) and their explanations on trades before {Stamp(cutoff)} (retention.decision_days {days})");
        }
        if (dryRun) return groups.Sum(g => g.Rows);
        // Explanations first: they are found through the decisions they explain.
        connection.Execute(
            "DELETE FROM decision_explanations e WHERE EXISTS (SELECT 1 FROM decision_rows r JOIN decision_streams s USING (stream_id) " +
            "WHERE r.time < ? AND s.run_id = e.run_id AND s.step_id = e.step_id AND s.model = e.model AND r.trade_id = e.trade_id)", cutoff);
        connection.Execute("DELETE FROM decision_rows WHERE time < ?", cutoff);
        return groups.Sum(g => g.Rows);
    }

    /// <summary>A PostgreSQL store's decisions are in segment files (<see cref="DecisionSegmentRetention"/>); audited the same way.</summary>
    private long PurgeDecisionSegments(DbConnection connection, DateTime cutoff, int days, bool dryRun, string reason, List<string> actions)
    {
        var plan = DecisionSegmentRetention.Purge(store, connection, cutoff, dryRun);
        foreach (var (model, version, rows) in plan.Groups)
        {
            actions.Add($"delete {rows} decision(s) of {model} v{version} on trades before {cutoff:yyyy-MM-dd HH:mm}");
            if (!dryRun)
                Audit(connection, model, version, "purge_decisions", null, null, null, null,
                    $"{reason}: deleted {rows} decision(s) and their explanations on trades before {Stamp(cutoff)} (retention.decision_days {days})");
        }
        if (!dryRun) _afterCommit.Add(plan.DeleteOldFiles);
        return plan.Groups.Sum(g => g.Rows);
    }

    /// <summary>
    /// Retired versions no alias names, retired before <paramref name="cutoff"/> (the time of their newest transition
    /// to retired), whose file no other version still in use shares (the same file may be registered under two names).
    /// </summary>
    private static List<(string Name, int Version, Artifact Model, DateTime RetiredAt)> ArchiveCandidates(DbConnection connection, DateTime cutoff) =>
        connection.Rows("""
            WITH retired_at AS (
                SELECT name, version, max(changed_at) AS retired_at FROM model_transitions WHERE to_stage = 'retired' GROUP BY name, version
            )
            SELECT v.name, v.version, t.retired_at, a.sha256, a.kind, a.format, a.bytes, a.store_path
            FROM model_versions v JOIN retired_at t USING (name, version) JOIN artifacts a ON a.sha256 = v.artifact_sha256
            WHERE v.stage = 'retired' AND t.retired_at < ?
              AND NOT EXISTS (SELECT 1 FROM model_aliases x WHERE x.name = v.name AND x.version = v.version)
              AND NOT EXISTS (SELECT 1 FROM model_versions o WHERE o.artifact_sha256 = v.artifact_sha256
                              AND NOT (o.name = v.name AND o.version = v.version) AND o.stage NOT IN ('retired', 'archived'))
              AND NOT EXISTS (SELECT 1 FROM model_aliases x JOIN model_versions o ON o.name = x.name AND o.version = x.version
                              WHERE o.artifact_sha256 = v.artifact_sha256)
            ORDER BY v.name, v.version
            """,
            row => (row.Text("name"), (int)row.Integer("version"), StoreEntities.Artifact(row), row.Time("retired_at")), cutoff);

    /// <summary>Versions already marked archived, for finishing a pass that stopped between its commit and its file moves.</summary>
    private static List<(string Name, int Version, Artifact Model, DateTime RetiredAt)> ArchivedButPresent(DbConnection connection) =>
        connection.Rows(
            "SELECT v.name, v.version, a.sha256, a.kind, a.format, a.bytes, a.store_path FROM model_versions v JOIN artifacts a ON a.sha256 = v.artifact_sha256 " +
            "WHERE v.stage = ? ORDER BY v.name, v.version",
            row => (row.Text("name"), (int)row.Integer("version"), StoreEntities.Artifact(row), DateTime.MinValue), Archived);

    /// <summary>
    /// Moves the file into <c>archive/</c> and appends a manifest line saying what it was; a file already gone from the
    /// artifact store (archived under another name, or by an interrupted earlier pass) is only listed.
    /// </summary>
    private void MoveToArchive(string name, int version, Artifact model, DateTime now, string reason)
    {
        var folder = Path.Combine(store.Layout.Root, ArchiveFolder);
        Directory.CreateDirectory(folder);
        var source = store.Layout.ArtifactPath(model.Sha256, model.Format);
        var target = Path.Combine(folder, ArchivedFileName(model));
        if (File.Exists(source))
        {
            if (File.Exists(target)) File.Delete(source);
            else File.Move(source, target);
        }
        var line = JsonSerializer.Serialize(new
        {
            name, version, sha256 = model.Sha256, format = model.Format, bytes = model.Bytes, archived_at = Stamp(now),
            from_path = store.Layout.RelativeArtifactPath(model.Sha256, model.Format), to_path = $"{ArchiveFolder}/{ArchivedFileName(model)}",
            actor = actor.Actor, reason,
        });
        File.AppendAllText(Path.Combine(folder, ArchiveManifest), line + "\n");
    }

    private static string ArchivedFileName(Artifact model) => model.Format.Length == 0 ? model.Sha256 : $"{model.Sha256}.{model.Format}";

    private static string Stamp(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
