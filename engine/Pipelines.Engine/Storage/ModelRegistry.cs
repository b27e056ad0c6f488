using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using Pipelines.DuckDb;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The model registry in the store's DuckDB file. Every change runs in one transaction on the store's single
/// writer connection, so an alias names exactly one version at any moment — concurrent promotions in this
/// process are serialised, and DuckDB's file lock keeps other processes out — and every change leaves an
/// audit row saying who, from which run and commit, and why.
/// </summary>
public sealed partial class ModelRegistry(PipelineStore store, RegistryActor actor, int maxVersions) : IModelRegistry
{
    public const string Champion = "champion";
    public const string Challenger = "challenger";

    public static class Stages
    {
        public const string Staged = "staged";
        public const string Shadow = "shadow";
        public const string Production = "production";
        public const string Retired = "retired";
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$")]
    private static partial Regex NameShape();

    public ModelVersion Register(string name, Artifact model, string? metricsJson, string? trainingDataSha256, string reason)
    {
        CheckName(name, "model name");
        if (model.Kind != "model") throw new ArgumentException($"only model artifacts can be registered, not a {model.Kind} artifact");
        return store.InTransaction(connection =>
        {
            // Registering the same model file again is a no-op: rerunning a pipeline must not mint duplicate versions.
            var existing = Rows(connection, "SELECT max(version) FROM model_versions WHERE name = ? AND artifact_sha256 = ?", name, model.Sha256)[0][0];
            if (existing is not null) return Load(connection, name, Convert.ToInt32(existing))!;
            var now = DateTime.UtcNow;
            connection.ExecuteNonQuery("INSERT INTO models SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM models WHERE name = ?)", name, now, name);
            var version = (int)connection.Scalar<long>("SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE name = ?", name);
            connection.ExecuteNonQuery("INSERT INTO model_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                name, version, model.Sha256, Stages.Staged, metricsJson, trainingDataSha256, actor.RunId, actor.StepId, actor.GitCommit, now);
            Audit(connection, name, version, "register", null, Stages.Staged, null, null, reason);
            Prune(connection, name);
            return Load(connection, name, version)!;
        });
    }

    public ModelVersion? Find(string name, string aliasOrVersion) => store.Read(connection =>
    {
        if (int.TryParse(aliasOrVersion, out var number)) return Load(connection, name, number);
        var version = AliasVersion(connection, name, aliasOrVersion);
        return version is null ? null : Load(connection, name, version.Value);
    });

    public ModelVersion Promote(string name, int version, string alias, string reason) =>
        store.InTransaction(connection => PointAlias(connection, name, version, alias, "promote", reason));

    public ModelVersion Rollback(string name, string alias, string reason) => store.InTransaction(connection =>
    {
        var current = AliasVersion(connection, name, alias)
            ?? throw new InvalidOperationException($"model '{name}' has no '{alias}' to roll back");
        var previous = Rows(connection, 
                "SELECT previous_version FROM model_transitions WHERE name = ? AND alias = ? AND version = ? AND action IN ('promote', 'rollback') ORDER BY seq DESC LIMIT 1",
                name, alias, current).Select(r => r[0]).FirstOrDefault();
        if (previous is null)
            throw new InvalidOperationException($"model '{name}' version {current} is the first '{alias}'; there is nothing to roll back to");
        return PointAlias(connection, name, Convert.ToInt32(previous), alias, "rollback", reason);
    });

    public IReadOnlyList<ModelVersion> Versions(string name) => store.Read(connection =>
        Rows(connection, "SELECT version FROM model_versions WHERE name = ? ORDER BY version", name)
            .Select(r => Load(connection, name, Convert.ToInt32(r[0]))!).ToList());

    public IReadOnlyList<string> Models() => store.Read(connection =>
        Rows(connection, "SELECT name FROM models ORDER BY name").Select(r => (string)r[0]!).ToList());

    public IReadOnlyList<ModelTransition> Transitions(string name) => store.Read(connection =>
        Rows(connection, 
                "SELECT name, version, action, from_stage, to_stage, alias, reason, run_id, step_id, git_commit, actor, changed_at FROM model_transitions WHERE name = ? ORDER BY seq",
                name)
            .Select(r => new ModelTransition((string)r[0]!, Convert.ToInt32(r[1]), (string)r[2]!, (string?)r[3], (string?)r[4], (string?)r[5],
                (string?)r[6], (string?)r[7], (string?)r[8], (string?)r[9], (string)r[10]!, (DateTime)r[11]!))
            .ToList());

    private ModelVersion PointAlias(DuckDbConnection connection, string name, int version, string alias, string action, string reason)
    {
        CheckName(alias, "alias");
        var target = Load(connection, name, version) ?? throw new ArgumentException($"model '{name}' has no version {version}");
        if (target.Stage == Stages.Retired && action == "promote" && alias == Champion && !HadAlias(connection, name, version, Champion))
            throw new InvalidOperationException($"model '{name}' version {version} is retired and was never champion; register it again");
        var previous = AliasVersion(connection, name, alias);
        if (previous == version) return target;

        connection.ExecuteNonQuery("DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, alias);
        connection.ExecuteNonQuery("INSERT INTO model_aliases VALUES (?, ?, ?, ?)", name, alias, version, DateTime.UtcNow);
        var newStage = alias switch
        {
            Champion => Stages.Production,
            Challenger when target.Stage == Stages.Staged => Stages.Shadow,
            _ => target.Stage,
        };
        SetStage(connection, name, version, newStage);
        Audit(connection, name, version, action, target.Stage, newStage, alias, previous, reason);
        if (alias == Champion && AliasVersion(connection, name, Challenger) == version)
        {
            // A challenger that wins is no longer challenging anything.
            connection.ExecuteNonQuery("DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, Challenger);
            Audit(connection, name, version, "unalias", newStage, newStage, Challenger, null, "promoted to champion");
        }
        if (alias == Champion && previous is { } demoted)
        {
            var before = Load(connection, name, demoted)!.Stage;
            SetStage(connection, name, demoted, Stages.Retired);
            Audit(connection, name, demoted, "retire", before, Stages.Retired, alias, null, $"replaced as {alias} by version {version}");
        }
        return Load(connection, name, version)!;
    }

    /// <summary>Keeps at most <c>maxVersions</c> versions; the oldest ones that no alias points at go first.</summary>
    private void Prune(DuckDbConnection connection, string name)
    {
        var surplus = connection.Scalar<long>("SELECT count(*) FROM model_versions WHERE name = ?", name) - maxVersions;
        if (surplus <= 0) return;
        var victims = Rows(connection, 
                "SELECT version, stage FROM model_versions v WHERE name = ? AND NOT EXISTS (SELECT 1 FROM model_aliases a WHERE a.name = v.name AND a.version = v.version) ORDER BY version LIMIT ?",
                name, surplus);
        foreach (var row in victims)
        {
            var version = Convert.ToInt32(row[0]);
            connection.ExecuteNonQuery("DELETE FROM model_versions WHERE name = ? AND version = ?", name, version);
            Audit(connection, name, version, "prune", (string)row[1]!, null, null, null, $"retention keeps {maxVersions} versions");
        }
    }

    private void Audit(DuckDbConnection connection, string name, int version, string action, string? from, string? to, string? alias, int? previous, string reason)
    {
        var sequence = connection.Scalar<long>("SELECT coalesce(max(seq), 0) + 1 FROM model_transitions");
        connection.ExecuteNonQuery("INSERT INTO model_transitions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sequence, name, version, action, from, to, alias, previous, reason, actor.RunId, actor.StepId, actor.GitCommit, actor.Actor, DateTime.UtcNow);
    }

    private static void SetStage(DuckDbConnection connection, string name, int version, string stage) =>
        connection.ExecuteNonQuery("UPDATE model_versions SET stage = ? WHERE name = ? AND version = ?", stage, name, version);

    private static int? AliasVersion(DuckDbConnection connection, string name, string alias)
    {
        var rows = Rows(connection, "SELECT version FROM model_aliases WHERE name = ? AND alias = ?", name, alias);
        return rows.Count == 0 ? null : Convert.ToInt32(rows[0][0]);
    }

    private static bool HadAlias(DuckDbConnection connection, string name, int version, string alias) =>
        connection.Scalar<long>("SELECT count(*) FROM model_transitions WHERE name = ? AND version = ? AND alias = ? AND action IN ('promote', 'rollback')",
            name, version, alias) > 0;

    private static ModelVersion? Load(DuckDbConnection connection, string name, int version)
    {
        var rows = Rows(connection, 
            "SELECT v.artifact_sha256, v.stage, v.metrics_json, v.training_data_sha256, v.run_id, v.step_id, v.git_commit, v.created_at, a.kind, a.format, a.bytes, a.store_path " +
            "FROM model_versions v LEFT JOIN artifacts a ON a.sha256 = v.artifact_sha256 WHERE v.name = ? AND v.version = ?", name, version);
        if (rows.Count == 0) return null;
        var r = rows[0];
        var sha = (string)r[0]!;
        var artifact = r[8] is null
            ? throw new InvalidOperationException($"model '{name}' version {version} refers to artifact {sha[..12]}, which the store does not know")
            : new Artifact(sha, (string)r[8]!, (string)r[9]!, Convert.ToInt64(r[10]), (string)r[11]!);
        var aliases = Rows(connection, "SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias", name, version).Select(a => (string)a[0]!).ToList();
        return new ModelVersion(name, version, artifact, (string)r[1]!, aliases, (string?)r[2], (string?)r[3], (string?)r[4], (string?)r[5], (string?)r[6], (DateTime)r[7]!);
    }

    private static List<object?[]> Rows(DuckDbConnection connection, string sql, params object?[] args)
    {
        using var result = connection.Query(sql, args);
        return result.ReadAllRows();
    }

    private static void CheckName(string value, string what)
    {
        if (!NameShape().IsMatch(value))
            throw new ArgumentException($"{what} '{value}' must be lower-case letters, digits, '-' or '_', starting with a letter");
    }
}
