using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using System.Data.Common;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The model registry in the store's database. Every change runs in one transaction on the store's connection, so an
/// alias names exactly one version at any moment — the primary key of <c>model_aliases</c> (name, alias) admits one row
/// per alias; concurrent promotions in this process are serialised, DuckDB's file lock keeps other processes out, and in
/// PostgreSQL every change to a model first takes that model's advisory lock, so changes from different machines queue
/// rather than fail — and every change leaves an
/// audit row saying who, from which run and commit, and why. Registering, promoting, rolling back and retiring also
/// publish an event (<c>model.registered</c>, <c>model.promoted</c>, <c>model.rolled_back</c>, <c>model.retired</c>) in the
/// same transaction as the audit row, so subscribers learn of exactly the transitions the registry made.
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
            store.Dialect.LockModel(connection, name);
            // Registering the same model file again is a no-op: rerunning a pipeline must not mint duplicate versions.
            var existing = connection.Scalar<int?>("SELECT max(version) FROM model_versions WHERE name = ? AND artifact_sha256 = ?", name, model.Sha256);
            if (existing is { } registered) return Load(connection, name, registered)!;
            var now = DateTime.UtcNow;
            connection.Execute("INSERT INTO models (name, created_at) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM models WHERE name = ?)", name, now, name);
            var version = (int)connection.Scalar<long>("SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE name = ?", name);
            var parent = ParentOf(metricsJson);
            connection.Execute("INSERT INTO model_versions (name, version, artifact_sha256, stage, metrics_json, training_data_sha256, run_id, step_id, git_commit, created_at, " +
                "parent_model, parent_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                name, version, model.Sha256, Stages.Staged, metricsJson, trainingDataSha256, actor.RunId, actor.StepId, actor.GitCommit, now, parent?.Name, parent?.Version);
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
        store.InTransaction(connection =>
        {
            store.Dialect.LockModel(connection, name);
            return PointAlias(connection, name, version, alias, "promote", reason);
        });

    public ModelVersion Rollback(string name, string alias, string reason) => store.InTransaction(connection =>
    {
        store.Dialect.LockModel(connection, name);
        var current = AliasVersion(connection, name, alias)
            ?? throw new InvalidOperationException($"model '{name}' has no '{alias}' to roll back");
        var previous = connection.Scalar<int?>(
                "SELECT previous_version FROM model_transitions WHERE name = ? AND alias = ? AND version = ? AND action IN ('promote', 'rollback') ORDER BY seq DESC LIMIT 1",
                name, alias, current)
            ?? throw new InvalidOperationException($"model '{name}' version {current} is the first '{alias}'; there is nothing to roll back to");
        return PointAlias(connection, name, previous, alias, "rollback", reason);
    });

    /// <summary>
    /// Retires a version by hand: it stops being a challenger, and its stage becomes retired. A champion is never
    /// retired this way (promote another version first); retiring a retired version changes nothing.
    /// </summary>
    public ModelVersion Retire(string name, int version, string reason) => store.InTransaction(connection =>
    {
        store.Dialect.LockModel(connection, name);
        var target = Load(connection, name, version) ?? throw new ArgumentException($"model '{name}' has no version {version}");
        if (AliasVersion(connection, name, Champion) == version)
            throw new InvalidOperationException($"model '{name}' version {version} is the champion; promote another version before retiring it");
        if (AliasVersion(connection, name, Challenger) == version)
        {
            connection.Execute("DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, Challenger);
            Audit(connection, name, version, "unalias", target.Stage, target.Stage, Challenger, null, reason);
        }
        if (target.Stage == Stages.Retired) return Load(connection, name, version)!;
        SetStage(connection, name, version, Stages.Retired);
        Audit(connection, name, version, "retire", target.Stage, Stages.Retired, null, null, reason);
        return Load(connection, name, version)!;
    });

    public IReadOnlyList<ModelVersion> Versions(string name) => store.Read(connection =>
        connection.Rows("SELECT version FROM model_versions WHERE name = ? ORDER BY version", row => (int)row.Integer("version"), name)
            .Select(version => Load(connection, name, version)!).ToList());

    public IReadOnlyList<string> Models() => store.Read(connection =>
        connection.Rows("SELECT name FROM models ORDER BY name", row => row.Text("name")));

    public IReadOnlyList<ModelTransition> Transitions(string name) => store.Read(connection =>
        connection.Rows(
            "SELECT name, version, action, from_stage, to_stage, alias, reason, run_id, step_id, git_commit, actor, changed_at FROM model_transitions WHERE name = ? ORDER BY seq",
            row => new ModelTransition(row.Text("name"), (int)row.Integer("version"), row.Text("action"), row.TextOrNull("from_stage"),
                row.TextOrNull("to_stage"), row.TextOrNull("alias"), row.TextOrNull("reason"), row.TextOrNull("run_id"), row.TextOrNull("step_id"),
                row.TextOrNull("git_commit"), row.Text("actor"), row.Time("changed_at")),
            name));

    private ModelVersion PointAlias(DbConnection connection, string name, int version, string alias, string action, string reason)
    {
        CheckName(alias, "alias");
        var target = Load(connection, name, version) ?? throw new ArgumentException($"model '{name}' has no version {version}");
        if (target.Stage == Stages.Retired && action == "promote" && alias == Champion && !HadAlias(connection, name, version, Champion))
            throw new InvalidOperationException($"model '{name}' version {version} is retired and was never champion; register it again");
        if (target.Stage == Archived && !store.Artifacts.IsPresent(target.Model))
            throw new InvalidOperationException(
                $"model '{name}' version {version} is archived: its file is in {ArchiveFolder}/ (see {ArchiveFolder}/{ArchiveManifest}); move it back to {target.Model.StorePath} first");
        var previous = AliasVersion(connection, name, alias);
        if (previous == version) return target;

        connection.Execute("DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, alias);
        connection.Execute("INSERT INTO model_aliases (name, alias, version, updated_at) VALUES (?, ?, ?, ?)", name, alias, version, DateTime.UtcNow);
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
            connection.Execute("DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, Challenger);
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
    private void Prune(DbConnection connection, string name)
    {
        var surplus = connection.Scalar<long>("SELECT count(*) FROM model_versions WHERE name = ?", name) - maxVersions;
        if (surplus <= 0) return;
        var victims = connection.Rows(
                "SELECT version, stage FROM model_versions v WHERE name = ? AND NOT EXISTS (SELECT 1 FROM model_aliases a WHERE a.name = v.name AND a.version = v.version) ORDER BY version LIMIT ?",
                row => (Version: (int)row.Integer("version"), Stage: row.Text("stage")), name, surplus);
        foreach (var (version, stage) in victims)
        {
            connection.Execute("DELETE FROM model_versions WHERE name = ? AND version = ?", name, version);
            Audit(connection, name, version, "prune", stage, null, null, null, $"retention keeps {maxVersions} versions");
        }
    }

    private void Audit(DbConnection connection, string name, int version, string action, string? from, string? to, string? alias, int? previous, string reason)
    {
        var sequence = connection.Scalar<long>("SELECT coalesce(max(seq), 0) + 1 FROM model_transitions");
        connection.Execute(
            "INSERT INTO model_transitions (seq, name, version, action, from_stage, to_stage, alias, previous_version, reason, run_id, step_id, git_commit, actor, changed_at) " +
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sequence, name, version, action, from, to, alias, previous, reason, actor.RunId, actor.StepId, actor.GitCommit, actor.Actor, DateTime.UtcNow);
        if (EventTypeOf(action) is { } type)
        {
            var payload = new JsonObject
            {
                ["model"] = name, ["version"] = version, ["alias"] = alias, ["reason"] = reason, ["action"] = action,
                ["from_stage"] = from, ["to_stage"] = to,
            };
            if (previous is { } previousVersion) payload["previous_version"] = previousVersion;
            store.WriteEvent(connection, new EventDraft(type, actor.EventSource, actor.Pipeline, actor.RunId, actor.StepId, name,
                PayloadJson: payload.ToJsonString()));
        }
    }

    /// <summary>
    /// The event a transition publishes. A version leaves service when a new champion replaces it and leaves the
    /// registry when retention prunes it: both are a retirement. Dropping a winning challenger's alias is part of its
    /// promotion and publishes nothing of its own.
    /// </summary>
    private static string? EventTypeOf(string action) => action switch
    {
        "register" => "model.registered",
        "promote" => "model.promoted",
        "rollback" => "model.rolled_back",
        "retire" or "prune" => "model.retired",
        _ => null,
    };

    private static void SetStage(DbConnection connection, string name, int version, string stage) =>
        connection.Execute("UPDATE model_versions SET stage = ? WHERE name = ? AND version = ?", stage, name, version);

    private static int? AliasVersion(DbConnection connection, string name, string alias) =>
        connection.Scalar<int?>("SELECT version FROM model_aliases WHERE name = ? AND alias = ?", name, alias);

    private static bool HadAlias(DbConnection connection, string name, int version, string alias) =>
        connection.Scalar<long>("SELECT count(*) FROM model_transitions WHERE name = ? AND version = ? AND alias = ? AND action IN ('promote', 'rollback')",
            name, version, alias) > 0;

    private static ModelVersion? Load(DbConnection connection, string name, int version)
    {
        var aliases = connection.Rows("SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias", row => row.Text("alias"), name, version);
        return connection.Rows(
            "SELECT v.artifact_sha256, v.stage, v.metrics_json, v.training_data_sha256, v.run_id, v.step_id, v.git_commit, v.created_at, " +
            "v.parent_model, v.parent_version, a.sha256, a.kind, a.format, a.bytes, a.store_path " +
            "FROM model_versions v LEFT JOIN artifacts a ON a.sha256 = v.artifact_sha256 WHERE v.name = ? AND v.version = ?",
            row => new ModelVersion(name, version, ModelArtifact(row, name, version), row.Text("stage"), aliases, row.TextOrNull("metrics_json"),
                row.TextOrNull("training_data_sha256"), row.TextOrNull("run_id"), row.TextOrNull("step_id"), row.TextOrNull("git_commit"),
                row.Time("created_at"))
            {
                Parent = row.TextOrNull("parent_model") is { } parentModel && row.IntegerOrNull("parent_version") is { } parentVersion
                    ? new ModelParent(parentModel, (int)parentVersion)
                    : null,
            },
            name, version).FirstOrDefault();
    }

    /// <summary>
    /// The version a model continued from, as its train step recorded it in metrics.json ("continued_from": model and
    /// version); null for metrics without one, or none.
    /// </summary>
    private static ModelParent? ParentOf(string? metricsJson)
    {
        if (string.IsNullOrEmpty(metricsJson)) return null;
        try
        {
            return JsonNode.Parse(metricsJson)?["continued_from"] is JsonObject parent
                   && parent["model"]?.GetValue<string>() is { } model && parent["version"]?.GetValue<int>() is { } number
                ? new ModelParent(model, number)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Metrics are stored as given; a file that is not JSON names no parent.
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static Artifact ModelArtifact(System.Data.Common.DbDataReader row, string name, int version) =>
        row.TextOrNull("sha256") is null
            ? throw new InvalidOperationException(
                $"model '{name}' version {version} refers to artifact {row.Text("artifact_sha256")[..12]}, which the store does not know")
            : StoreEntities.Artifact(row);

    private static void CheckName(string value, string what)
    {
        if (!NameShape().IsMatch(value))
            throw new ArgumentException($"{what} '{value}' must be lower-case letters, digits, '-' or '_', starting with a letter");
    }
}
