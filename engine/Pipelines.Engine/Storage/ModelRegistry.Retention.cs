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
        // Segments killed streams left unregistered join the store at every pass, whatever it purges: a stream whose step
        // never runs again reaches readers this way, and its decisions are purged by the same rules as every other's.
        if (!dryRun && store.Dialect.IsPostgres)
            actions.AddRange(DecisionSegmentRecovery.RecoverAll(store, Serilog.Core.Logger.None).Lines());
        store.InTransaction(connection =>
        {
            _afterCommit.Clear();   // a unit of work run again after a lost connection starts over
            if (policy.ShadowDays > 0) shadowRows = PurgeShadow(connection, now.AddDays(-policy.ShadowDays), policy.ShadowDays, dryRun, reason, actions);
            if (policy.DecisionDays > 0) decisionRows = PurgeDecisions(connection, now.AddDays(-policy.DecisionDays), policy.DecisionDays, dryRun, reason, actions);
            if (policy.ArchiveRetiredDays > 0) archive.AddRange(ArchiveCandidates(connection, now.AddDays(-policy.ArchiveRetiredDays)));
            var unfinished = ArchivedButPresent(connection).Where(a => !dryRun && store.Artifacts.IsPresent(a.Model)).ToList();
            if (policy.ArchiveRetiredDays > 0) actions.AddRange(KeptForVersionsInUse(connection, now.AddDays(-policy.ArchiveRetiredDays), policy.ArchiveRetiredDays));
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
    /// The model files retention must leave in place, with the version in use that needs each: the file of every version
    /// in use (a stage other than retired or archived, or named by an alias), then every file such a file needs at load
    /// time (<c>artifact_references</c>: an ensemble's members, meta-learner and regime model), and what those need.
    /// </summary>
    private const string NeededFiles = """
        in_use AS (
            SELECT v.name, v.version, v.artifact_sha256 FROM model_versions v
            WHERE v.stage NOT IN ('retired', 'archived') OR EXISTS (SELECT 1 FROM model_aliases x WHERE x.name = v.name AND x.version = v.version)
        ),
        needed(name, version, sha256) AS (
            SELECT name, version, artifact_sha256 FROM in_use
            UNION
            SELECT n.name, n.version, r.referenced_sha256 FROM needed n JOIN artifact_references r ON r.sha256 = n.sha256
        )
        """;

    /// <summary>When each version was retired: its newest transition to the stage.</summary>
    private const string RetiredAt = """
        retired_at AS (
            SELECT name, version, max(changed_at) AS retired_at FROM model_transitions WHERE to_stage = 'retired' GROUP BY name, version
        )
        """;

    /// <summary>
    /// Retired versions retired before <paramref name="cutoff"/> (the time of their newest transition to retired) whose
    /// file no version in use needs: neither its own (an alias names it), nor shared (the same file may be registered
    /// under two names), nor named by one (an ensemble in use names its members' files).
    /// </summary>
    private static List<(string Name, int Version, Artifact Model, DateTime RetiredAt)> ArchiveCandidates(DbConnection connection, DateTime cutoff) =>
        connection.Rows($"""
            WITH RECURSIVE {RetiredAt},
            {NeededFiles}
            SELECT v.name, v.version, t.retired_at, a.sha256, a.kind, a.format, a.bytes, a.store_path
            FROM model_versions v JOIN retired_at t USING (name, version) JOIN artifacts a ON a.sha256 = v.artifact_sha256
            WHERE v.stage = 'retired' AND t.retired_at < ?
              AND NOT EXISTS (SELECT 1 FROM needed n WHERE n.sha256 = v.artifact_sha256)
            ORDER BY v.name, v.version
            """,
            row => (row.Text("name"), (int)row.Integer("version"), StoreEntities.Artifact(row), row.Time("retired_at")), cutoff);

    /// <summary>
    /// One line per version that is old enough to archive and is neither aliased nor sharing its file with a version in
    /// use, but whose file a version in use names (an ensemble's member): kept, and the report says for whom.
    /// </summary>
    private static List<string> KeptForVersionsInUse(DbConnection connection, DateTime cutoff, int days) =>
        connection.Rows($"""
            WITH RECURSIVE {RetiredAt},
            {NeededFiles}
            SELECT v.name, v.version, t.retired_at, v.artifact_sha256, n.name AS needed_by, n.version AS needed_by_version
            FROM model_versions v JOIN retired_at t USING (name, version) JOIN needed n ON n.sha256 = v.artifact_sha256
            WHERE v.stage = 'retired' AND t.retired_at < ?
              AND NOT EXISTS (SELECT 1 FROM in_use u WHERE u.artifact_sha256 = v.artifact_sha256)
            ORDER BY v.name, v.version, n.name, n.version
            """,
            row => (Name: row.Text("name"), Version: (int)row.Integer("version"), RetiredAt: row.Time("retired_at"), Sha256: row.Text("artifact_sha256"),
                NeededBy: $"{row.Text("needed_by")} v{row.Integer("needed_by_version")}"), cutoff)
        .GroupBy(k => (k.Name, k.Version, k.RetiredAt, k.Sha256))
        .Select(g => $"keep {g.Key.Name} v{g.Key.Version} model file {g.Key.Sha256[..12]} (retired {g.Key.RetiredAt:yyyy-MM-dd}, more than {days} days ago): " +
            $"needed to load {string.Join(", ", g.Select(k => k.NeededBy).Distinct())}, in use")
        .ToList();

    /// <summary>
    /// Versions already marked archived, for finishing a pass that stopped between its commit and its file moves; a file
    /// that a version in use needs again (the same bytes registered or named anew since) stays where it is.
    /// </summary>
    private static List<(string Name, int Version, Artifact Model, DateTime RetiredAt)> ArchivedButPresent(DbConnection connection) =>
        connection.Rows($"""
            WITH RECURSIVE {NeededFiles}
            SELECT v.name, v.version, a.sha256, a.kind, a.format, a.bytes, a.store_path FROM model_versions v JOIN artifacts a ON a.sha256 = v.artifact_sha256
            WHERE v.stage = ? AND NOT EXISTS (SELECT 1 FROM needed n WHERE n.sha256 = v.artifact_sha256)
            ORDER BY v.name, v.version
            """,
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
